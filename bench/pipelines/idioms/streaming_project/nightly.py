from partner import send_report
from sources import customers


def main():
    send_report(customers())


if __name__ == "__main__":
    main()
