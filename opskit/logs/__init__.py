"""Access logs: parsing, incremental reading, and anomaly detection on log time.

The hot path works on bytes a chunk at a time: combined-format lines are cut
into columns by splitting the chunk on its quotes (other formats, and odd
lines, by one precompiled regular expression), columns are counted with
C-level builtins, and only the rare lines a rule could care about are looked
at one by one. Chunks can be scanned by several processes; detection then
runs in order over their small reports, so windows follow log time.
"""
