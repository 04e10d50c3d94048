"""The secretariat's desk: where each case stands among the guide's 12 steps, what is next, who owns it
and by when (cases.py, steps.yaml), the status board (status.py), reminders and the calendar.

It sits after the rules (it reads their findings and the flow's dates) and before the renderers;
the command line (`ceri status`, `ceri remind`), the pack and the browser desk call it.
"""
