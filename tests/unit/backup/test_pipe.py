"""The judged pipe: the consumer's input ends only after the producer succeeded."""

from __future__ import annotations

import sys

from opskit.execute import pipe

CONSUMER = (
    sys.executable,
    "-c",
    "import sys, signal\n"
    "signal.signal(signal.SIGINT, lambda *a: (print('interrupted'), sys.exit(130)))\n"
    "data = sys.stdin.buffer.read()\n"
    "print(f'complete {len(data)}')",
)


def test_successful_producer_ends_the_input_normally() -> None:
    piped = pipe((sys.executable, "-c", "print('x' * 999)"), CONSUMER, timeout_seconds=30)

    assert (piped.producer.exit_code, piped.consumer.exit_code) == (0, 0)
    assert piped.consumer.stdout == "complete 1000\n"
    assert piped.bytes_piped == 1000 and not piped.consumer_interrupted


def test_failing_producer_interrupts_the_consumer_instead_of_ending_its_input() -> None:
    producer = (
        sys.executable,
        "-c",
        "import sys; print('partial'); sys.stdout.flush(); sys.exit(2)",
    )

    piped = pipe(producer, CONSUMER, timeout_seconds=30)

    assert piped.producer.exit_code == 2
    assert piped.consumer_interrupted
    # Interrupted, never told its input was complete (130 once its handler is in place;
    # a SIGINT racing the interpreter's start-up ends it with KeyboardInterrupt instead).
    assert piped.consumer.exit_code != 0 and "complete" not in piped.consumer.stdout


def test_empty_output_counts_as_a_failure() -> None:
    piped = pipe((sys.executable, "-c", "pass"), CONSUMER, timeout_seconds=30)

    assert piped.producer.exit_code == 0 and piped.bytes_piped == 0
    assert piped.consumer_interrupted and piped.consumer.exit_code != 0
    assert "complete" not in piped.consumer.stdout
