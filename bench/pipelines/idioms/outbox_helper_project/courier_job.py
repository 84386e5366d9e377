"""Hands the weekly patient extract to the courier: whatever lands in the outbox is picked up
by the courier's agent and leaves the building."""
import argparse

from staging import stage

OUTBOX = "/var/spool/courier/outbox"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outbox", default=OUTBOX)
    args = parser.parse_args()
    stage("data/patients.csv", args.outbox)
    stage("data/patients.csv", "/tmp/courier_outbox")


if __name__ == "__main__":
    main()
