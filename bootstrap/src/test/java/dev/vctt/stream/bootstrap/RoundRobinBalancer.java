package dev.vctt.stream.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP load balancer on loopback, as small as one can be: each accepted connection goes to the next
 * backend in turn, bytes are piped both ways untouched (so a WebSocket upgrade passes as any bytes
 * do), and when either side ends both are closed. No stickiness, no health check: what the product
 * promises to work behind. It remembers where it sent each connection, so a test can tell which node
 * a client got.
 */
final class RoundRobinBalancer implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final ServerSocket listener;
    private final List<Integer> backends;
    private final List<Integer> routes = new ArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private RoundRobinBalancer(List<Integer> backends) throws IOException {
        this.backends = List.copyOf(backends);
        // a backlog for fifty clients connecting at once
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("balancer-accept").start(this::acceptLoop);
    }

    /** Listens on a free loopback port in front of the servers on those loopback ports. */
    static RoundRobinBalancer start(List<Integer> backendPorts) {
        try {
            return new RoundRobinBalancer(backendPorts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The backend port of every connection accepted so far, in the order they were accepted. */
    List<Integer> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    /** The backend port the last accepted connection went to. */
    int lastBackend() {
        synchronized (routes) {
            return routes.getLast();
        }
    }

    private void acceptLoop() {
        int next = 0;
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                throw new UncheckedIOException(e);
            }
            int backend = backends.get(next++ % backends.size());
            // recorded before the handshake can go on, so a client that got its answer finds its route here
            synchronized (routes) {
                routes.add(backend);
            }
            Thread.ofVirtual().name("balancer-conn").start(() -> relay(client, backend));
        }
    }

    private void relay(Socket client, int backend) {
        open.add(client);
        var server = new Socket();
        open.add(server);
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backend), CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            // a backend that is down: the client sees its connection closed, as behind a balancer without checks
            closeBoth(client, server);
            return;
        }
        Thread.ofVirtual().name("balancer-up").start(() -> pipe(client, server));
        pipe(server, client);
    }

    /** Copies until one side ends, then closes both: a cut on either side is a cut on the other. */
    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // reset, or closed by the other pipe: the connection is over either way
        } finally {
            closeBoth(from, to);
        }
    }

    private void closeBoth(Socket a, Socket b) {
        quietlyClose(a);
        quietlyClose(b);
    }

    private void quietlyClose(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(this::quietlyClose);
    }
}
