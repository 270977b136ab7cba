"""Running jobs on a schedule: due logic, the run loop, windows, metrics and schedulers."""
