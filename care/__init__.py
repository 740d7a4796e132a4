"""Choice and control over care (issue 19): micro-providers near people, with their checks and
evidence, and personal budgets (Individual Service Funds and direct payments) people can see."""
