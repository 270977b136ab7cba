"""The SOP's procedures as data, and the one engine that runs them.

``definition`` reads and validates a procedure (``checks/procedures/*.yaml``),
``table`` turns its steps into actions of the role table, ``engine`` moves an
instance through its steps and records each, ``clock`` counts the SOP's time
standards in office hours, and ``lateness`` says which steps are late and
reminds the people holding them.
"""
