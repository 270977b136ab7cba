"""IT service requests (SOP B): the office's helpdesk as the ``service-request`` procedure.

What is a request's own lives here: its register and facts (``records``,
``model``), its categories and priority matrix (``settings``), the files
attached to it (``attachments``), its registers as rows (``registers``) and
its figures for the monthly recap (``figures``). Steps, roles and the clock
are the procedure engine's (``opskit.procedures``).
"""
