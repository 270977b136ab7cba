"""restic, S3 and database dumps: argv builders, output parsers and the calls themselves.

Nothing here decides policy (what to back up, when a result is a warning);
that is the job of ``opskit.actions.backup``. This package knows how to ask
restic, boto3 and mariadb-dump for something and how to read the answer.
"""
