# Every host sending mail through the relay.
relayhost = "[relay.example.org]:587"
