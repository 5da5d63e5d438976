package ai.thinkheads.phoenix.testkit.simulator;

import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.PveCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import ai.thinkheads.phoenix.testkit.simulator.ssh.CliInterpreter;
import ai.thinkheads.phoenix.testkit.simulator.ssh.NodeFiles;
import ai.thinkheads.phoenix.testkit.simulator.ssh.SshFace;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Proxmox VE cluster on loopback, for tests, benchmarks and any PVE API client in any language:
 * an HTTPS face serving {@code /api2/json} and an SSH face serving {@code qm}/{@code pvesh}, both
 * over one in-memory cluster model ({@link PveCluster}; a {@code FakeHypervisor}'s is
 * {@code fake.cluster()}), whose handlers both faces call directly.
 *
 * <pre>{@code
 * try (PveSimulator sim = PveSimulator.over(fake.cluster()).build().start()) {
 *     String url = sim.url();                       // https://127.0.0.1:<port>
 *     String token = sim.apiTokenHeaderValue();     // root@pam!phoenix=<uuid>
 *     String pin = sim.certificateFingerprint();    // AB:CD:... (SHA-256)
 *     sim.httpFaults().latency(Duration.ofMillis(5));
 * }
 * }</pre>
 *
 * <p>It answers like PVE does (see {@link HttpFace} for auth and error shapes, {@link ApiRoutes}
 * for the paths), optionally validates every request against the official API schema (a
 * validator function, see {@link Builder#requestValidator}), and lets tests script faults through
 * {@link #httpFaults()}. Secrets (the root password, the token secret) are available from their
 * accessors and never appear in {@link #toString()}.
 */
public final class PveSimulator implements AutoCloseable {

    private final Builder settings;
    private final SimulatorAuth auth;
    private final String tokenSecret;
    private final HttpFaults httpFaults = new HttpFaults();
    private final ApiRouter router;
    private HttpFace http;
    private SshFace ssh;
    private CliInterpreter cli;

    private PveSimulator(Builder b) {
        this.settings = b;
        this.auth = new SimulatorAuth(b.time).user(b.rootUser, b.rootPassword);
        this.tokenSecret = auth.addToken(b.rootUser, b.tokenName);
        this.router = ApiRoutes.over(b.cluster, b.version).validator(b.validator).observer(b.observer);
    }

    /** A simulator serving {@code cluster} (e.g. {@code fake.cluster()}); the other settings have defaults. */
    public static Builder over(PveCluster cluster) {
        return new Builder(cluster);
    }

    /**
     * Starts the HTTPS face and the SSH face on {@code 127.0.0.1}, both over one router, so a
     * change made through either is seen through the other; returns {@code this}.
     */
    public PveSimulator start() {
        try {
            http = new HttpFace(settings.certificate, auth, router, httpFaults, settings.keepAliveIdle,
                    settings.maxBodyBytes, settings.clusterName).start(settings.httpPort);
            String node = settings.sshNode != null ? settings.sshNode : settings.cluster.nodes().get(0).node();
            // qm waits for its worker in-process; polling the in-memory router every 5 ms is as close
            cli = CliInterpreter.builder(router, node).userId(settings.rootUser).time(settings.time)
                    .pollInterval(Duration.ofMillis(5))
                    .invocationCost(settings.sshInvocationCost)
                    .files(NodeFiles.over(settings.cluster, node))
                    .configFiles(this::configFileText)
                    .build();
            SshFace.Builder sb = SshFace.builder(cli).user("root", settings.rootPassword).port(settings.sshPort);
            settings.authorizedKeys.forEach(k -> sb.authorizedKey("root", k));
            if (settings.hostKey != null) {
                sb.hostKey(settings.hostKey);
            }
            ssh = sb.start();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start the simulator", e);
        }
    }

    /** {@code https://127.0.0.1:<port>}: what a client uses as its base URL. */
    public String url() {
        return running().baseUrl();
    }

    public int httpPort() {
        return running().port();
    }

    /** The SHA-256 fingerprint of the server certificate, {@code AB:CD:...}, to pin. */
    public String certificateFingerprint() {
        return settings.certificate.sha256Fingerprint();
    }

    /** The server certificate (to trust it in a client's trust store). */
    public SimulatorCertificate certificateForTests() {
        return settings.certificate;
    }

    /** The certificate as PEM, to trust as a CA. */
    public String certificatePem() {
        return settings.certificate.certificatePem();
    }

    public String rootUser() {
        return settings.rootUser;
    }

    /** The root user's password (a secret: hand it to clients, never log it). */
    public String rootPassword() {
        return settings.rootPassword;
    }

    /** The API token id, {@code root@pam!phoenix}. */
    public String apiTokenId() {
        return settings.rootUser + "!" + settings.tokenName;
    }

    /** The API token's secret (a UUID). */
    public String apiTokenSecret() {
        return tokenSecret;
    }

    /** {@code <tokenid>=<secret>}: what follows {@code PVEAPIToken=} in the Authorization header. */
    public String apiTokenHeaderValue() {
        return apiTokenId() + "=" + tokenSecret;
    }

    /** The users and tokens it accepts; add more here. */
    public SimulatorAuth auth() {
        return auth;
    }

    /** The HTTP fault schedule (latency, status codes, resets). */
    public HttpFaults httpFaults() {
        return httpFaults;
    }

    /** The cluster model it serves. */
    public PveCluster cluster() {
        return settings.cluster;
    }

    /** HTTP requests answered (or faulted) since start. */
    public long httpRequestCount() {
        return running().requestCount();
    }

    /** The SSH port ({@code root} with {@link #rootPassword()} or an authorized key). */
    public int sshPort() {
        return runningSsh().port();
    }

    /** The SSH host key's fingerprint, {@code SHA256:...} as {@code ssh-keygen -l} prints it. */
    public String sshHostKeyFingerprint() {
        return runningSsh().hostKeyFingerprint();
    }

    /** A {@code known_hosts} line for the SSH face. */
    public String sshKnownHostsLine() {
        return runningSsh().knownHostsLine();
    }

    /** The node {@code qm} acts on over SSH. */
    public String sshNode() {
        if (cli == null) {
            throw new IllegalStateException("the simulator has not been started");
        }
        return cli.node();
    }

    /** The config file pmxcfs holds for the VM. */
    private java.util.Optional<String> configFileText(String node, int vmid) {
        try {
            return java.util.Optional.of(settings.cluster.configFileText(node, vmid));
        } catch (NotFoundException e) {
            return java.util.Optional.empty();
        }
    }

    /** Every command line served over SSH since start ({@code qm}, {@code pvesh}, {@code tail}, uploads). */
    public long sshCommandCount() {
        return cli == null ? 0 : cli.commands();
    }

    /** {@code qm}/{@code pvesh} invocations served over SSH since start. */
    public long sshInvocationCount() {
        return cli == null ? 0 : cli.invocations();
    }

    /**
     * The snippets of storage {@code local} on the SSH node ({@code local:snippets/<name>}, written
     * over SSH with {@code cat > /var/lib/vz/snippets/<name>} or otherwise), by name.
     */
    public Map<String, byte[]> snippets() {
        Map<String, byte[]> copy = new java.util.TreeMap<>();
        String node = sshNode();
        for (PveCluster.FileVolume v : settings.cluster.fileVolumes(node, "local", "snippets")) {
            settings.cluster.volumeContent(node, v.volid())
                    .ifPresent(b -> copy.put(v.volid().substring("local:snippets/".length()), b));
        }
        return copy;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        if (ssh != null) {
            ssh.close();
        }
    }

    /**
     * Runs a simulator on its own until interrupted (a one-node fake cluster on a wall clock),
     * printing how to reach it, so any PVE API or SSH client can be tested against it. Arguments:
     * {@code [httpPort [sshPort]]}, default ephemeral. The SSH host key is the same on every run:
     * it is kept in {@link ai.thinkheads.phoenix.testkit.simulator.ssh.PersistentHostKey#defaultFile()}
     * ({@code ~/.phoenix/pve-simulator/ssh_host_ecdsa_key}, or the file named by the system property
     * {@code phoenix.simulator.hostKey}). The README gives the command.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder b = standalone(args, ai.thinkheads.phoenix.testkit.simulator.ssh.PersistentHostKey.defaultFile());
        if (args.length > 0) {
            b.httpPort(Integer.parseInt(args[0]));
        }
        if (args.length > 1) {
            b.sshPort(Integer.parseInt(args[1]));
        }
        String validation;
        try {
            ai.thinkheads.phoenix.testkit.schema.PveApiReference.directory();
            b.requestValidator(ai.thinkheads.phoenix.testkit.schema.SchemaAudit.shared()::check);
            validation = "every request checked against the PVE 8.4 and 9.1 API schemas";
        } catch (IllegalStateException e) {
            validation = "no ../shared/pve-api found: requests are not checked against the API schemas";
        }
        PveSimulator sim = b.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        System.out.println("PVE simulator (PVE " + b.version + ") running");
        System.out.println("  API:          " + sim.url() + "/api2/json");
        System.out.println("  API token:    Authorization: PVEAPIToken=" + sim.apiTokenHeaderValue());
        System.out.println("  user:         " + sim.rootUser() + " / " + sim.rootPassword());
        System.out.println("  TLS SHA-256:  " + sim.certificateFingerprint());
        System.out.println("  SSH:          ssh -p " + sim.sshPort() + " root@127.0.0.1   (password as above)");
        System.out.println("  SSH host key: " + sim.sshHostKeyFingerprint() + "   (kept in "
                + ai.thinkheads.phoenix.testkit.simulator.ssh.PersistentHostKey.defaultFile() + ")");
        System.out.println("  validation:   " + validation);
        System.out.println("  qm acts on node " + sim.sshNode() + "; Ctrl-C stops it.");
        Thread.currentThread().join();
    }

    /**
     * The standalone simulator's builder (what {@link #main} starts): a one-node fake cluster on a
     * wall clock, the SSH host key loaded from {@code hostKeyFile} (created there on the first run).
     */
    static Builder standalone(String[] args, java.nio.file.Path hostKeyFile) {
        return over(FakeHypervisor.builder().realTime()
                        .defaultTaskDuration(Duration.ofMillis(200)).guestBootDelay(Duration.ofSeconds(2)).build().cluster())
                .sshHostKey(ai.thinkheads.phoenix.testkit.simulator.ssh.PersistentHostKey.loadOrCreate(hostKeyFile));
    }

    @Override
    public String toString() {
        return "PveSimulator[" + (http == null ? "not started" : http.baseUrl()) + ", PVE " + settings.version
                + ", SHA-256 " + certificateFingerprint() + "]";
    }

    private SshFace runningSsh() {
        if (ssh == null) {
            throw new IllegalStateException("the simulator has not been started");
        }
        return ssh;
    }

    private HttpFace running() {
        if (http == null) {
            throw new IllegalStateException("the simulator has not been started");
        }
        return http;
    }

    /** Settings; every one but the cluster ({@link PveSimulator#over}) has a default. */
    public static final class Builder {
        private final PveCluster cluster;
        private String version = "8.4.1";
        private String clusterName = "phoenix-sim";
        private String rootUser = "root@pam";
        private String rootPassword = java.util.UUID.randomUUID().toString();
        private String tokenName = "phoenix";
        private SimulatorCertificate certificate;
        private int httpPort;
        private Duration keepAliveIdle = Duration.ofSeconds(5);
        private long maxBodyBytes = 64L << 20;
        private TimeSource time = TimeSource.system();
        private Function<ApiRequest, Map<String, String>> validator;
        private Consumer<ApiRequest> observer;
        private String sshNode;
        private int sshPort;
        private Duration sshInvocationCost = Duration.ZERO;
        private KeyPair hostKey;
        private final List<PublicKey> authorizedKeys = new ArrayList<>();

        private Builder(PveCluster cluster) {
            this.cluster = Objects.requireNonNull(cluster, "cluster");
        }

        /** The node {@code qm} acts on over SSH; default the first node. */
        public Builder sshNode(String node) {
            this.sshNode = Objects.requireNonNull(node);
            return this;
        }

        /** SSH port; default 0 (ephemeral). */
        public Builder sshPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("sshPort: " + port + " is outside 0..65535");
            }
            this.sshPort = port;
            return this;
        }

        /** Time added to every {@code qm}/{@code pvesh} invocation (a real node spends ~0.5 s starting Perl). */
        public Builder sshInvocationCost(Duration cost) {
            if (cost.isNegative()) {
                throw new IllegalArgumentException("sshInvocationCost: must not be negative");
            }
            this.sshInvocationCost = cost;
            return this;
        }

        /** The SSH host key; default a fresh one per simulator. */
        public Builder sshHostKey(KeyPair key) {
            this.hostKey = Objects.requireNonNull(key);
            return this;
        }

        /** Lets {@code root} log in over SSH with this key. */
        public Builder sshAuthorizedKey(PublicKey key) {
            authorizedKeys.add(Objects.requireNonNull(key));
            return this;
        }

        /** The PVE version it claims, e.g. {@code 8.4.1} or {@code 9.1.1}. */
        public Builder version(String version) {
            if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
                throw new IllegalArgumentException("version: '" + version + "' is not like 8.4.1");
            }
            this.version = version;
            return this;
        }

        public Builder clusterName(String name) {
            this.clusterName = Objects.requireNonNull(name);
            return this;
        }

        public Builder rootPassword(String password) {
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("rootPassword: must not be empty");
            }
            this.rootPassword = password;
            return this;
        }

        public Builder tokenName(String name) {
            if (!name.matches("[A-Za-z][A-Za-z0-9.\\-_]+")) {
                throw new IllegalArgumentException("tokenName: '" + name + "' is not a valid token id");
            }
            this.tokenName = name;
            return this;
        }

        /** The TLS certificate; default: a fresh self-signed one. */
        public Builder certificate(SimulatorCertificate certificate) {
            this.certificate = Objects.requireNonNull(certificate);
            return this;
        }

        /** HTTPS port; default 0 (ephemeral). */
        public Builder httpPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("httpPort: " + port + " is outside 0..65535");
            }
            this.httpPort = port;
            return this;
        }

        /** How long an idle keep-alive connection stays open (pveproxy: about 5 s). */
        public Builder keepAliveIdle(Duration idle) {
            if (idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("keepAliveIdle: must be positive");
            }
            this.keepAliveIdle = idle;
            return this;
        }

        /** Clock for ticket lifetimes; default the system clock. */
        public Builder time(TimeSource time) {
            this.time = Objects.requireNonNull(time);
            return this;
        }

        /** Checks each authenticated request; a non-empty result is answered with a 400 and those errors. */
        public Builder requestValidator(Function<ApiRequest, Map<String, String>> validator) {
            this.validator = validator;
            return this;
        }

        /** Sees each authenticated request before it is served (for recording and counting). */
        public Builder requestObserver(Consumer<ApiRequest> observer) {
            this.observer = observer;
            return this;
        }

        public PveSimulator build() {
            Builder frozen = copy();
            if (frozen.certificate == null) {
                frozen.certificate = SimulatorCertificate.selfSigned();
            }
            return new PveSimulator(frozen);
        }

        private Builder copy() {
            Builder b = new Builder(cluster);
            b.version = version;
            b.clusterName = clusterName;
            b.rootUser = rootUser;
            b.rootPassword = rootPassword;
            b.tokenName = tokenName;
            b.certificate = certificate;
            b.httpPort = httpPort;
            b.keepAliveIdle = keepAliveIdle;
            b.maxBodyBytes = maxBodyBytes;
            b.time = time;
            b.validator = validator;
            b.observer = observer;
            b.sshNode = sshNode;
            b.sshPort = sshPort;
            b.sshInvocationCost = sshInvocationCost;
            b.hostKey = hostKey;
            b.authorizedKeys.addAll(authorizedKeys);
            return b;
        }
    }
}
