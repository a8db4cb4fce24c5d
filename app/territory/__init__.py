"""The territory: communes and the outline of the whole métropole."""
