package io.djdeploy.remote;

/**
 * A transport that changes what some calls send and hands every other call, unchanged, to the
 * transport it wraps. Wrappers extend this instead of repeating the delegation, so a call added
 * to {@link Transport} later (as {@code interactive} and the shared scripts were) reaches the
 * wrapped transport instead of silently falling back to the interface's default.
 */
public abstract class ForwardingTransport implements Transport {
    protected final Transport inner;

    protected ForwardingTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public String host() { return inner.host(); }

    @Override
    public void connect() throws TransportException { inner.connect(); }

    @Override
    public CommandResult run(Command command, OutputSink sink) throws TransportException, InterruptedException {
        return inner.run(command, sink);
    }

    @Override
    public int interactive(Command command, Terminal terminal) throws TransportException, InterruptedException {
        return inner.interactive(command, terminal);
    }

    @Override
    public CommandResult run(Batch batch, OutputSink sink) throws TransportException, InterruptedException {
        return inner.run(batch, sink);
    }

    @Override
    public void upload(byte[] content, String path, int mode) throws TransportException, InterruptedException {
        inner.upload(content, path, mode);
    }

    @Override
    public int connectionsOpened() { return inner.connectionsOpened(); }

    @Override
    public int roundTrips() { return inner.roundTrips(); }

    @Override
    public void close() { inner.close(); }
}
