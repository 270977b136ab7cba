"""``opskit backup ...`` and ``opskit check backup``: the policy around restic.

What to back up, where, how often and what counts as a warning lives
here; how to call restic, boto3 and the dump programs lives in
``opskit.backup``.
"""
