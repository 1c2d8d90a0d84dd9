"""Git write-back: the audit log, state snapshots, and committing/pushing them.

Each module does one thing on plain files or on the git repository (``audit``: the
hash-chained ``state/<env>/audit.jsonl``; ``snapshot``: ``state/<env>/snapshot.json``;
``repo``: commit and push of ``state/<env>/``; ``rebase``: keeping the audit chain linear when
two reconcilers push at once). Nothing here knows about the Gateway API or the CLI.
"""
