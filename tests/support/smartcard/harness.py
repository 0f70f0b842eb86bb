"""Start and stop a real PC/SC stack with the certdash virtual card, for pytest fixtures.

pcscd runs in the foreground with a reader.conf.d of its own: vsmartcard-vpcd's entry (readers
"Virtual PCD 00 00" and "00 01") moved to port 32752, below the kernel's ephemeral range (32768 up):
at vpcd's own 35963, a client connection of a busy parallel test run could hold the port pcscd must
listen on. Or no reader at all, to test a PC without readers. The virtual card is
tests/support/smartcard/certdash_card.py under vicc's VirtualICC (or vicc's stock ISO 7816 card, as a
card of another application). Every process is started here and
stopped here by its PID. A missing package fails the test.
"""
from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

VICC_MODULE_DIR = Path("/usr/lib/python3/site-packages/virtualsmartcard")
VICC_SCRIPT = Path("/usr/bin/vicc")
VPCD_READER_CONF = Path("/etc/reader.conf.d/vpcd")
VPCD_DEFAULT_CHANNEL = "0x8C7B"  # 35963, vsmartcard-vpcd's port as shipped
VPCD_PORT = 32752  # outside the ephemeral range: no client socket ever takes it
VIRTUAL_READER = "Virtual PCD 00 00"
REPO = Path(__file__).resolve().parents[3]
INSTALL_HINT = ("the smart card tests need Debian's pcscd vsmartcard-vpcd vsmartcard-vpicc "
                "python3-virtualsmartcard and, in the venv, pyscard and pycryptodome")
START_TIMEOUT = 10.0


def check_installed() -> str:
    """Return pcscd's path; fail the test, naming what is missing, unless the stack is installed."""
    pcscd = shutil.which("pcscd", path=os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/sbin")))
    missing = [what for what, ok in (
        ("pcscd", pcscd is not None),
        (f"vsmartcard-vpcd ({VPCD_READER_CONF})", VPCD_READER_CONF.is_file()),
        (f"python3-virtualsmartcard ({VICC_MODULE_DIR})", (VICC_MODULE_DIR / "virtualsmartcard").is_dir()),
        (f"vsmartcard-vpicc ({VICC_SCRIPT})", VICC_SCRIPT.is_file()),
        ("pyscard (pip)", importlib.util.find_spec("smartcard") is not None),
        ("pycryptodome (pip, imported by vicc)", importlib.util.find_spec("Crypto") is not None),
    ) if not ok]
    if missing:
        pytest.fail(f"missing: {', '.join(missing)}; {INSTALL_HINT}", pytrace=False)
    return pcscd


def port_listening(port: int) -> bool:
    """Tell whether a TCP socket listens on `port`, without connecting (vpcd would see a card)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                return True
    return False


def reader_state(reader: str) -> int | None:
    """Return the PC/SC event state of a reader, or None if pcscd or the reader is not there."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, states = scard.SCardGetStatusChange(context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        return states[0][1] if hresult == scard.SCARD_S_SUCCESS else None
    finally:
        scard.SCardReleaseContext(context)


def card_present(reader: str = VIRTUAL_READER) -> bool:
    from smartcard import scard

    state = reader_state(reader)
    return state is not None and bool(state & scard.SCARD_STATE_PRESENT)


def pcscd_answers() -> bool:
    """Tell whether a PC/SC context can be established (pcscd is up)."""
    from smartcard import scard

    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult == scard.SCARD_S_SUCCESS:
        scard.SCardReleaseContext(context)
        return True
    return False


class _Process:
    """One child process with its log file, stopped by its PID."""

    def __init__(self, name: str, log_path: Path):
        self.name = name
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def spawn(self, argv: list[str], **kwargs) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         **kwargs)

    def wait_for(self, ready: Callable[[], bool], what: str) -> None:
        """Wait until `ready()`; stop the process and fail the test if it exits or times out."""
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if self.proc.poll() is not None:
                self.fail(f"{self.name} exited with code {self.proc.returncode} before {what}")
            if time.monotonic() > deadline:
                self.stop()
                self.fail(f"{self.name} did not get to {what} within {START_TIMEOUT:.0f} s")
            time.sleep(0.05)

    def fail(self, message: str) -> None:
        log = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        pytest.fail(f"{message}; log {self.log_path}:\n{log}", pytrace=False)

    def stop(self) -> None:
        """Terminate the process by its PID (kill it if it does not exit) and reap it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


MACHINE_LOCK = Path("/tmp/certdash-pcscd.lock")  # one pcscd and one virtual reader port per machine
LOCK_TIMEOUT = 900.0  # seconds a test waits while another test process holds the PC/SC stack


class Pcscd(_Process):
    """pcscd in the foreground, with the vpcd reader (or with no reader at all).

    pcscd's socket and the reader's port are the machine's: a test process holds a lock file while
    its pcscd runs, so that parallel test processes (pytest-xdist) take turns instead of failing.
    """

    def __init__(self, workdir: Path, *, with_reader: bool = True):
        super().__init__("pcscd", workdir / "pcscd.log")
        self.workdir = workdir
        self.with_reader = with_reader
        self._lock: int | None = None

    def _take_machine(self) -> None:
        if self._lock is not None:
            return
        handle = os.open(MACHINE_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(handle)
                    pytest.fail(f"another test process held the PC/SC stack for {LOCK_TIMEOUT:.0f} s", pytrace=False)
                time.sleep(0.2)
        self._lock = handle

    def _release_machine(self) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def stop(self) -> None:
        super().stop()
        self._release_machine()

    def start(self) -> None:
        pcscd = check_installed()
        if self.running:
            return
        self._take_machine()
        if pcscd_answers() or port_listening(VPCD_PORT):
            pytest.fail(f"another pcscd (or something on port {VPCD_PORT}) is running; stop it before the smart card "
                        "tests", pytrace=False)
        conf_dir = self.workdir / ("reader.conf.d" if self.with_reader else "no-readers.conf.d")
        conf_dir.mkdir(exist_ok=True)
        if self.with_reader:
            entry = VPCD_READER_CONF.read_text()
            if VPCD_DEFAULT_CHANNEL not in entry:
                pytest.fail(f"{VPCD_READER_CONF} does not name vpcd's port {VPCD_DEFAULT_CHANNEL}", pytrace=False)
            (conf_dir / "vpcd").write_text(entry.replace(VPCD_DEFAULT_CHANNEL, f"0x{VPCD_PORT:04X}"))
        self.spawn([pcscd, "--foreground", "--config", str(conf_dir)])
        if self.with_reader:
            self.wait_for(lambda: port_listening(VPCD_PORT) and reader_state(VIRTUAL_READER) is not None,
                          f"listening on port {VPCD_PORT} with reader {VIRTUAL_READER!r}")
        else:
            self.wait_for(pcscd_answers, "answering PC/SC clients")

    @contextmanager
    def stopped(self) -> Iterator[None]:
        """Stop pcscd for the block, then start it again."""
        self.stop()
        try:
            yield
        finally:
            self.start()


class VirtualCard(_Process):
    """A virtual card under vicc: the certdash card with a state file, or vicc's stock ISO 7816 card."""

    def __init__(self, argv: list[str], log_path: Path):
        super().__init__("vicc", log_path)
        self.argv = argv

    @classmethod
    def certdash(cls, state_path: Path) -> VirtualCard:
        return cls(["-m", "tests.support.smartcard.certdash_card", str(state_path), "--port", str(VPCD_PORT)],
                   state_path.with_suffix(".log"))

    @classmethod
    def stock_iso7816(cls, workdir: Path) -> VirtualCard:
        """vicc's own ISO 7816 card: a real card without the certdash application."""
        return cls([str(VICC_SCRIPT), "--type", "iso7816", "--port", str(VPCD_PORT)], workdir / "vicc-iso7816.log")

    def start(self) -> None:
        """Insert the card: start vicc and wait until pcscd sees a card in the virtual reader."""
        check_installed()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(VICC_MODULE_DIR), str(REPO))))
        self.spawn([sys.executable, *self.argv], cwd=REPO, env=env)
        self.wait_for(card_present, f"a card in {VIRTUAL_READER!r}")

    def remove(self) -> None:
        """Pull the card: stop vicc and wait until pcscd no longer sees a card."""
        self.stop()
        deadline = time.monotonic() + START_TIMEOUT
        while card_present():
            if time.monotonic() > deadline:
                pytest.fail(f"pcscd still sees a card in {VIRTUAL_READER!r} after vicc stopped", pytrace=False)
            time.sleep(0.05)
