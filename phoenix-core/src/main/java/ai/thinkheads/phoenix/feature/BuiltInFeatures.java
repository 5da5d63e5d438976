package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.cloudinit.CloudConfig;
import ai.thinkheads.phoenix.spec.PciPassthrough;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Phoenix's own features, in {@link FeatureSet#builtIns()}. Each reaches the guest first through
 * cloud-init user-data (the stock Ubuntu cloud image has no guest agent, so nothing else can reach
 * it on first boot) and then proves itself with guest steps through the agent.
 *
 * <table>
 * <caption>Built-in features</caption>
 * <tr><th>name</th><th>parameters</th><th>user-data</th><th>config</th><th>guest steps</th></tr>
 * <tr><td>{@code qemu-guest-agent}</td><td>—</td><td>package {@code qemu-guest-agent};
 *     {@code systemctl enable --now qemu-guest-agent} (installing it does not start it)</td>
 *     <td>{@code agent: 1}</td><td>— (waiting for the agent is the proof)</td></tr>
 * <tr><td>{@code base_setup}</td><td>{@code packages} (array, extra packages), {@code timezone}</td>
 *     <td>{@code package_update}; curl, ca-certificates, gnupg, jq; the timezone via
 *     {@code timedatectl}</td><td>—</td><td>—</td></tr>
 * <tr><td>{@code docker}</td><td>—</td><td>Docker's apt repository (download.docker.com, key
 *     {@value #DOCKER_KEY}); docker-ce, docker-ce-cli, containerd.io, docker-buildx-plugin,
 *     docker-compose-plugin; {@code systemctl enable --now docker}; the guest user in group
 *     {@code docker}</td><td>—</td><td>{@code systemctl is-active docker}; {@code docker compose
 *     version}; {@code runuser -u <user> -- docker version}</td></tr>
 * <tr><td>{@code nvidia}</td><td>{@code pci} (required, e.g. {@code 0000:01:00}), {@code driver}
 *     (default {@value #NVIDIA_DRIVER}), {@code index} (hostpci slot, default 0)</td>
 *     <td>the driver package</td><td>{@code hostpciN: <pci>,pcie=1} and {@code machine: q35}
 *     (PCIe passthrough needs q35)</td><td>{@code nvidia-smi}</td></tr>
 * <tr><td>{@code volumes}</td><td>{@code volumes} (array) or the definition's {@code volumes}
 *     extra: {@code {type: nfs, server, path, mount_point}}</td><td>package {@code nfs-common};
 *     one {@code mounts} entry per volume ({@code _netdev}); {@code mount -a} once
 *     nfs-common is installed (cloud-init's own mount runs before packages are installed, so the first
 *     boot reports it as a recoverable error)</td><td>—</td><td>{@code findmnt
 *     <mount_point>} per volume</td></tr>
 * </table>
 */
public final class BuiltInFeatures {

    /** Docker's release signing key fingerprint (docs.docker.com, "Install using the apt repository"). */
    public static final String DOCKER_KEY = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";
    public static final String NVIDIA_DRIVER = "nvidia-driver-550-server";

    static final FeatureSet SET = FeatureSet.of(guestAgent(), baseSetup(), docker(), nvidia(), volumes());

    private BuiltInFeatures() {
    }

    /** {@code qemu-guest-agent}: installs and starts the agent and turns it on in the VM's config. */
    public static Feature guestAgent() {
        return simple("qemu-guest-agent", r -> FeatureContribution.builder()
                .userData(CloudConfig.builder().packages("qemu-guest-agent")
                        .runcmd("systemctl", "enable", "--now", "qemu-guest-agent").build())
                .spec(b -> r.spec().agent().isPresent() ? b : b.agent(true))
                .build());
    }

    /** {@code base_setup}: package lists refreshed and the basics every later feature needs. */
    public static Feature baseSetup() {
        return simple("base_setup", r -> {
            CloudConfig.Builder ud = CloudConfig.builder().packageUpdate(true).packages("curl", "ca-certificates", "gnupg", "jq");
            r.parameter("packages").ifPresent(p -> {
                if (!p.isArray()) {
                    throw new FeatureException(r.vmName() + ": feature base_setup: parameter 'packages' must be an array of names");
                }
                p.forEach(n -> ud.packages(text(r, "base_setup", "packages[]", n)));
            });
            r.stringParameter("base_setup", "timezone").ifPresent(tz -> ud.runcmd("timedatectl", "set-timezone", tz));
            return FeatureContribution.builder().userData(ud.build()).build();
        });
    }

    /** {@code docker}: Docker Engine and the compose plugin from Docker's repository; the guest user may use it. */
    public static Feature docker() {
        return simple("docker", r -> FeatureContribution.builder()
                .userData(CloudConfig.builder()
                        .aptSource("docker.list", new CloudConfig.AptSource(
                                "deb [arch=amd64 signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable",
                                DOCKER_KEY, null))
                        .packages("docker-ce", "docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin")
                        .runcmd("systemctl", "enable", "--now", "docker")
                        .runcmd("usermod", "-aG", "docker", r.guestUser())
                        .build())
                .guestStep(GuestStep.of("docker is running", "systemctl", "is-active", "docker"))
                .guestStep(GuestStep.of("docker compose works", "docker", "compose", "version"))
                .guestStep(GuestStep.of(r.guestUser() + " may use docker (group docker)", "runuser", "-u", r.guestUser(), "--",
                        "docker", "version"))
                .build());
    }

    /** {@code nvidia}: a GPU passed through (PCIe, q35) and NVIDIA's driver in the guest. */
    public static Feature nvidia() {
        return simple("nvidia", r -> {
            String pci = r.stringParameter("nvidia", "pci").orElseThrow(() -> new FeatureException(r.vmName()
                    + ": feature nvidia: parameter 'pci' is required (the GPU's host PCI id, e.g. 0000:01:00)"));
            String driver = r.stringParameter("nvidia", "driver").orElse(NVIDIA_DRIVER);
            int index = r.parameter("index").map(n -> {
                if (!n.canConvertToInt() || n.asInt() < 0 || n.asInt() > 15) {
                    throw new FeatureException(r.vmName() + ": feature nvidia: parameter 'index' must be 0..15, not " + n);
                }
                return n.asInt();
            }).orElse(0);
            PciPassthrough gpu;
            try {
                gpu = PciPassthrough.host(index, pci).withPcie(true);
            } catch (RuntimeException e) {
                throw new FeatureException(r.vmName() + ": feature nvidia: parameter 'pci': " + e.getMessage());
            }
            return FeatureContribution.builder()
                    .spec(b -> b.pci(gpu).option("machine", "q35"))
                    .userData(CloudConfig.builder().packages(driver).build())
                    .guestStep(GuestStep.of("the GPU answers", "nvidia-smi"))
                    .build();
        });
    }

    /** {@code volumes}: NFS shares mounted in the guest. */
    public static Feature volumes() {
        return simple("volumes", r -> {
            JsonNode list = r.parameter("volumes").or(() -> r.extra("volumes")).orElseThrow(() -> new FeatureException(
                    r.vmName() + ": feature volumes: no 'volumes' parameter and no volumes declared for the VM"));
            if (!list.isArray()) {
                throw new FeatureException(r.vmName() + ": feature volumes: 'volumes' must be an array");
            }
            CloudConfig.Builder ud = CloudConfig.builder().packages("nfs-common");
            FeatureContribution.Builder out = FeatureContribution.builder();
            List<String> seen = new ArrayList<>();
            int i = 0;
            for (JsonNode v : list) {
                String at = "volumes[" + i++ + "]";
                String type = v.path("type").asText("nfs");
                if (!type.equals("nfs")) {
                    throw new FeatureException(r.vmName() + ": feature volumes: " + at + ".type: only 'nfs' is supported, not '" + type + "'");
                }
                String server = required(r, v, at, "server");
                String path = required(r, v, at, "path");
                String mountPoint = required(r, v, at, "mount_point");
                if (!mountPoint.startsWith("/") || seen.contains(mountPoint)) {
                    throw new FeatureException(r.vmName() + ": feature volumes: " + at + ".mount_point: '" + mountPoint
                            + "' must be an absolute path used once");
                }
                seen.add(mountPoint);
                ud.mount(server + ":" + path, mountPoint, "nfs", "defaults,_netdev", "0", "0");
                out.guestStep(GuestStep.of(mountPoint + " is mounted", "findmnt", mountPoint));
            }
            // cloud-init mounts (cc_mounts) in its init stage, before the final stage installs nfs-common: mount again after
            ud.runcmd("mount", "-a");
            return out.userData(ud.build()).build();
        });
    }

    private static String required(FeatureRequest r, JsonNode v, String at, String field) {
        JsonNode n = v.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw new FeatureException(r.vmName() + ": feature volumes: " + at + "." + field + " is required (a string)");
        }
        return n.asText();
    }

    private static String text(FeatureRequest r, String feature, String field, JsonNode n) {
        if (!n.isTextual() || n.asText().isBlank()) {
            throw new FeatureException(r.vmName() + ": feature " + feature + ": " + field + " must be a non-empty string, not " + n);
        }
        return n.asText();
    }

    private static Feature simple(String name, java.util.function.Function<FeatureRequest, FeatureContribution> body) {
        return new Feature() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public FeatureContribution contribute(FeatureRequest request) {
                return body.apply(request);
            }

            @Override
            public String toString() {
                return "Feature[" + name + "]";
            }
        };
    }
}
