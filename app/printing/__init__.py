"""Printable work orders: the data the layouts of ``print_templates`` are filled with, the
PDF route, batches printed by the rq worker, and the files they leave."""
