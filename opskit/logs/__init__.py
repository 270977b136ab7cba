"""Access and error logs: format sniffing, parsing in native code, detection on log time.

Chunks of lines are cut into columns and counted by Polars (Rust); the rules'
patterns run as one combined pattern per field over each chunk's distinct
values, and only the lines a rule could care about reach Python, as events
for the detector, which follows log time.
"""

import os

# Polars allocates through jemalloc; these settings hand freed memory back to the system
# within a fraction of a second (and use two arenas, one per core here), which keeps the
# resident size of a long analysis near 150 MB instead of growing to what it once used.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,narenas:2,dirty_decay_ms:200,muzzy_decay_ms:0"
)

# The ids of the shipped detection rules (checks/logs/rules.yaml); each reports as logs.<id>.
RULE_IDS = (
    "probing",
    "crawl",
    "sensitive-files",
    "backup-files",
    "traversal",
    "sqli",
    "xss",
    "scanner-ua",
    "webshell",
    "login-bruteforce",
    "auth-bruteforce",
    "cve-probe",
    "admin-probe",
    "admin-discovery",
    "wp-user-enum",
    "wp-plugin-scan",
    "xmlrpc-abuse",
    "fingerprint",
    "rfi",
    "proxy-abuse",
    "protocol-abuse",
    "empty-requests",
    "abusive-ua",
    "form-spam",
    "form-flood",
    "cache-busting",
    "agent-cycling",
    "error-auth",
    "error-denied",
    "error-limit",
    "error-missing",
    "gambling-spam",
    "volume",
    "errors-5xx",
)
