"""Recording: the audit log, the snapshot, and accounting for every live change.

The recorder appends hash-chained entries as writes are announced and accepted; write-back
commits snapshot and log; accounting and recovery find live changes the log does not explain,
and leftovers commits what a killed run wrote but never committed. Imports only ``plan``.
"""
