# Runs a command on a pseudo-terminal of a given size and relays bytes both ways, so the benchmark can time a real TUI
# (keys in, frames out) without a terminal emulator. Usage: pty-relay.py COLUMNS ROWS COMMAND [ARG...]
import fcntl, os, pty, select, struct, sys, termios

columns, rows, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
    os.execvp(command[0], command)

sys.stderr.write('pid %d\n' % pid)
sys.stderr.flush()
inputs = [master, 0]
while True:
    ready, _, _ = select.select(inputs, [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            os.write(master, data)
        else:
            inputs.remove(0)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else 0)
