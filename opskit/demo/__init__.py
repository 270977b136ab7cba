"""``opskit demo``: a self-contained workspace that shows every capability.

Its fixtures (a court website with planted spam, a private MariaDB, an
access log with attacks, a mail catcher, a UAT checklist and a host to
harden) live here, apart from the product's own modules.
"""
