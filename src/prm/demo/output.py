"""How the demo log-ins are shown on the command line."""

from prm.demo.seed import DEMO_PASSWORD, Login


def write_logins(stdout, logins: list[Login]) -> None:
    if not logins:
        stdout.write(
            "No demo log-ins in this database; create one with "
            "prm create-user --email E --role admin --password P"
        )
        return
    width = max(len(login.email) for login in logins)
    stdout.write("")
    stdout.write("Demo log-ins (the same password for all of them):")
    stdout.write(f"  {'e-mail'.ljust(width)}  {'role'.ljust(15)}  partner")
    for login in logins:
        stdout.write(f"  {login.email.ljust(width)}  {login.role.ljust(15)}  {login.partner}")
    stdout.write(f"  password: {DEMO_PASSWORD}")
    stdout.write("")
