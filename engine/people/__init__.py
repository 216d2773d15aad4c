"""The people domain (domain layer): the rules a person's login, mobile, email, password and roles follow."""
