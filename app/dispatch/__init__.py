"""Dispatch: crews' positions, "send the nearest suitable crew", travel times (street
network or straight line) and each crew's day in visiting order."""
