# sendfile_server.py MODE PORT FILE [nodelay]: a minimal HTTP server answering any request with FILE, MODE sendfile
# (blocking socket.sendfile) or copy (32 KiB read/sendall): the bare single-connection bound for a curl GET.
import socket, sys, os
mode, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = os.path.getsize(path)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(65536)
    if len(sys.argv) > 4: c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if len(sys.argv) > 5: c.setblocking(False)
    c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % size)
    with open(path, 'rb') as f:
        if mode == 'sendfile':
            c.sendfile(f)
        else:
            while True:
                b = f.read(32768)
                if not b: break
                c.sendall(b)
    c.close()
