package ai.thinkheads.phoenix.cli;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where a verb acts: {@code --target simulator} (the built-in simulator, in this process) or
 * {@code --target api} (a Proxmox VE cluster through its HTTP API). Without {@code --target}, the
 * API when {@code PHOENIX_PVE_URL} (or {@code --url}) is set, the simulator otherwise.
 *
 * <p>A secret never comes from a flag, because every user of the machine sees a process's flags
 * ({@code ps}): the token secret comes from {@code PHOENIX_PVE_TOKEN_SECRET} or a file
 * ({@code --token-secret-file}); a flag that would carry one is refused.
 */
final class TargetOptions {

    static final String ENV_URL = "PHOENIX_PVE_URL";
    static final String ENV_NODE = "PHOENIX_PVE_NODE";
    static final String ENV_TOKEN_ID = "PHOENIX_PVE_TOKEN_ID";
    static final String ENV_TOKEN_SECRET = "PHOENIX_PVE_TOKEN_SECRET";
    static final String ENV_FINGERPRINT = "PHOENIX_PVE_FINGERPRINT";

    enum Kind { simulator, api }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "simulator|api",
            description = "Where to act: 'simulator' (the built-in simulator, in this process) or 'api' (a cluster's "
                    + "HTTP API). Default: 'api' when " + ENV_URL + " or --url is set, else 'simulator'.")
    Kind target;

    @Option(names = "--state", paramLabel = "DIR",
            description = "With the simulator: keep the simulated cluster in DIR between runs (restored at start, saved at the end).")
    Path state;

    @Option(names = "--url", paramLabel = "URL", description = "The cluster's API, e.g. https://pve1:8006 (else " + ENV_URL + ").")
    String url;

    @Option(names = "--node", paramLabel = "NODE", description = "The node new VMs go to unless a definition names one (else " + ENV_NODE + ").")
    String node;

    @Option(names = "--token-id", paramLabel = "USER@REALM!NAME", description = "The API token's id (else " + ENV_TOKEN_ID + ").")
    String tokenId;

    @Option(names = "--token-secret-file", paramLabel = "FILE",
            description = "A file holding the API token's secret (else " + ENV_TOKEN_SECRET + "). Never pass a secret as a flag.")
    Path tokenSecretFile;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "The node certificate's SHA-256 fingerprint to pin (else " + ENV_FINGERPRINT + "; without either the JVM's trust store decides).")
    String fingerprint;

    /** Flags that would carry a secret: accepted by the parser only to be refused with the way to do it. */
    @Option(names = {"--token-secret", "--password", "--secret"}, hidden = true, paramLabel = "SECRET")
    String secretFlag;

    /** Refuses a secret given as a flag, without repeating it. */
    void refuseSecretFlags() {
        if (secretFlag != null) {
            throw new ParameterException(spec.commandLine(), "a secret is never taken from a flag: every user of this "
                    + "machine sees a process's flags (ps). Set " + ENV_TOKEN_SECRET
                    + " in the environment or pass --token-secret-file FILE");
        }
    }

    Kind kind(CliContext context) {
        if (target != null) {
            return target;
        }
        return url != null || context.env(ENV_URL) != null ? Kind.api : Kind.simulator;
    }

    /** Opens the target; the caller closes it. */
    Connection open(CliContext context) {
        refuseSecretFlags();
        if (kind(context) == Kind.simulator) {
            BuiltInSimulator sim = BuiltInSimulator.start(Optional.ofNullable(state), 0, 0);
            try {
                PveSimulator s = sim.simulator();
                ProxmoxApi api = ProxmoxApi.builder().baseUrl(s.url()).defaultNode(BuiltInSimulator.NODE)
                        .credentials(Credentials.apiToken(s.apiTokenId(), Secret.of(s.apiTokenSecret())))
                        .tls(TlsTrust.pinned(s.certificateFingerprint()))
                        .build();
                return new Connection(api, BuiltInSimulator.NODE, sim);
            } catch (RuntimeException e) {
                sim.close();
                throw e;
            }
        }
        if (state != null) {
            throw new ParameterException(spec.commandLine(), "--state keeps a simulated cluster; it has no meaning with --target api");
        }
        String u = required(context, url, ENV_URL, "--url");
        String n = required(context, node, ENV_NODE, "--node");
        String id = required(context, tokenId, ENV_TOKEN_ID, "--token-id");
        Secret secret = secret(context);
        String pin = fingerprint != null ? fingerprint : context.env(ENV_FINGERPRINT);
        ProxmoxApi api = ProxmoxApi.builder().baseUrl(u).defaultNode(n)
                .credentials(Credentials.apiToken(id, secret))
                .tls(pin == null ? TlsTrust.system() : TlsTrust.pinned(pin))
                .build();
        return new Connection(api, n, null);
    }

    private Secret secret(CliContext context) {
        if (tokenSecretFile != null) {
            try {
                String text = Files.readString(tokenSecretFile, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "--token-secret-file " + tokenSecretFile + " is empty");
                }
                return Secret.of(text);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--token-secret-file " + tokenSecretFile
                        + " cannot be read: " + e.getClass().getSimpleName());
            }
        }
        String v = context.env(ENV_TOKEN_SECRET);
        if (v == null) {
            throw new ParameterException(spec.commandLine(), "the API token's secret is missing: set " + ENV_TOKEN_SECRET
                    + " or pass --token-secret-file FILE");
        }
        return Secret.of(v);
    }

    private String required(CliContext context, String flag, String env, String flagName) {
        if (flag != null) {
            return flag;
        }
        String v = context.env(env);
        if (v == null) {
            throw new ParameterException(spec.commandLine(), "--target api needs " + env + " or " + flagName);
        }
        return v;
    }
}
