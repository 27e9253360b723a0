"""The demo estate (演示数据): a realistic, seeded estate for trying the program and for benchmarks."""
