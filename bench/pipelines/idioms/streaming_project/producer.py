import json
from typing import Dict, List

from kafka import KafkaProducer

from records import RideRecords
from settings import BOOTSTRAP_SERVERS, INPUT_DATA_PATH, KAFKA_TOPIC


class JsonProducer(KafkaProducer):
    def __init__(self, props: Dict):
        self.producer = KafkaProducer(**props)

    @staticmethod
    def read_records(resource_path: str):
        return RideRecords.read_records(resource_path)

    def publish_rides(self, topic: str, messages: List[dict]):
        for ride in messages:
            record = self.producer.send(topic=topic, key=ride["ride_id"], value=ride)
            print("Record {} produced at offset {}".format(ride, record.get().offset))


if __name__ == "__main__":
    config = {
        "bootstrap_servers": BOOTSTRAP_SERVERS,
        "key_serializer": lambda key: str(key).encode(),
        "value_serializer": lambda x: json.dumps(x).encode("utf-8"),
    }
    producer = JsonProducer(props=config)
    rides = producer.read_records(resource_path=INPUT_DATA_PATH)
    print(RideRecords().read_raw(INPUT_DATA_PATH)[:3])
    producer.publish_rides(topic=KAFKA_TOPIC, messages=rides)
