"""Documents the SOP asks for: incident, daily, recap, handoff and schedule reports."""
