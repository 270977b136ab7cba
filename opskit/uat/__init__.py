"""User acceptance tests (SOP D2, D3, D6): checklists, runs, reviews and the approval.

A checklist (``checks/uat/*.yaml`` or the admin's own directory) lists
steps; automated ones are carried out by opskit, manual ones are answered
by a named tester. A run is stored with every step's outcome; reviewers add
their consideration, the approver decides, and from then on the run cannot
change.
"""
