import csv


class RideRecords:
    @staticmethod
    def read_records(resource_path: str):
        with open(resource_path, "r") as f:
            reader = csv.DictReader(f)
            return [row for row in reader]

    def read_raw(self, resource_path):
        with open(resource_path) as f:
            return f.readlines()
