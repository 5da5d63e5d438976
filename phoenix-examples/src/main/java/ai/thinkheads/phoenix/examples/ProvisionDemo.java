package ai.thinkheads.phoenix.examples;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ConsoleApplyListener;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.List;

/**
 * The main job: declare an Ubuntu 24.04 template (imported from the cloud image) and two Docker
 * VMs cloned from it, show the plan, apply it with progress, show what exists, and plan again to
 * show that nothing is left to do.
 *
 * <p>By default it runs against the built-in PVE simulator, through the real HTTP API backend over
 * HTTPS with the simulator's certificate pinned. To target a real cluster, set:
 * <ul>
 *   <li>{@code PHOENIX_PVE_URL} — e.g. {@code https://pve1:8006}</li>
 *   <li>{@code PHOENIX_PVE_NODE} — the node to use, e.g. {@code pve1}</li>
 *   <li>{@code PHOENIX_PVE_TOKEN_ID} and {@code PHOENIX_PVE_TOKEN_SECRET} — an API token</li>
 *   <li>{@code PHOENIX_PVE_FINGERPRINT} — the node certificate's SHA-256 fingerprint to pin
 *       (optional: without it the JVM's trust store decides)</li>
 *   <li>{@code PHOENIX_IMAGE} — the cloud image volume to import (default
 *       {@code local:import/noble-server-cloudimg-amd64.img})</li>
 * </ul>
 */
public final class ProvisionDemo {

    private ProvisionDemo() {
    }

    public static void main(String[] args) {
        String url = System.getenv("PHOENIX_PVE_URL");
        String image = System.getenv().getOrDefault("PHOENIX_IMAGE", "local:import/noble-server-cloudimg-amd64.img");
        if (url == null) {
            FakeHypervisor cluster = FakeHypervisor.builder().realTime()
                    .defaultTaskDuration(Duration.ofMillis(50))
                    .guestBootDelay(Duration.ofMillis(200))
                    .build();
            cluster.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
            try (PveSimulator sim = PveSimulator.builder().hypervisor(cluster).build().start()) {
                System.out.println("PVE simulator at " + sim.url() + " (certificate SHA-256 " + sim.certificateFingerprint() + ")");
                ProxmoxApi api = ProxmoxApi.builder().baseUrl(sim.url()).defaultNode("pve")
                        .credentials(Credentials.apiToken(sim.apiTokenId(), Secret.of(sim.apiTokenSecret())))
                        .tls(TlsTrust.pinned(sim.certificateFingerprint()))
                        .build();
                System.exit(run(api, "pve", image));
            }
        }
        String node = required("PHOENIX_PVE_NODE");
        String fingerprint = System.getenv("PHOENIX_PVE_FINGERPRINT");
        ProxmoxApi api = ProxmoxApi.builder().baseUrl(url).defaultNode(node)
                .credentials(Credentials.apiToken(required("PHOENIX_PVE_TOKEN_ID"), Secret.of(required("PHOENIX_PVE_TOKEN_SECRET"))))
                .tls(fingerprint == null ? TlsTrust.system() : TlsTrust.pinned(fingerprint))
                .build();
        System.exit(run(api, node, image));
    }

    /** The whole flow against any hypervisor; returns the process exit code. */
    static int run(Hypervisor pve, String node, String image) {
        try (pve) {
            List<VmDefinition> definitions = definitions(node, image);
            Phoenix phoenix = Phoenix.on(pve).applyOptions(ApplyOptions.builder().listener(ConsoleApplyListener.stdout()).build());

            Plan plan = phoenix.plan(definitions);
            System.out.println();
            System.out.println("== plan");
            System.out.print(plan.render());

            System.out.println();
            System.out.println("== apply");
            ApplyResult result = phoenix.apply(plan);

            System.out.println();
            System.out.println("== the VMs Phoenix manages");
            for (VmSummary vm : pve.listVms()) {
                VmConfig config = pve.getConfig(vm.ref());
                System.out.printf("%6d %-18s %-8s %-9s cores=%s memory=%s scsi0=%s ipconfig0=%s%n", vm.vmid(), vm.name(),
                        vm.state().proxmoxName(), vm.template() ? "template" : "vm", config.get("cores").orElse("-"),
                        config.get("memory").orElse("-"), config.get("scsi0").orElse("-"), config.get("ipconfig0").orElse("-"));
            }

            Plan again = phoenix.plan(definitions);
            System.out.println();
            System.out.println("== plan again");
            System.out.print(again.render());
            if (!result.isComplete()) {
                System.err.println("apply did not complete: " + result.failed().size() + " failed, "
                        + result.notAttempted().size() + " not attempted");
                return 1;
            }
            return again.isEmpty() ? 0 : 2;
        }
    }

    /** The seed's setup: a template from the Ubuntu 24.04 cloud image and Docker VMs cloned from it. */
    static List<VmDefinition> definitions(String node, String image) {
        VmSpec template = VmSpec.builder("ubuntu-2404-tmpl").vmid(9000).node(node)
                .source(Source.importImage(image))
                .cores(2).memory(2048)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(8)).withDiscard(true))
                .nic(Nic.virtio(0, "vmbr0"))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").ipconfig(0, IpConfig.dhcp()).build())
                .agent(true)
                .bootOrder("scsi0")
                .template(true)
                .build();
        VmSpec docker1 = VmSpec.builder("docker-01").vmid(9101).node(node)
                .source(Source.linkedClone(9000))
                .cores(4).memory(4096)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu")
                        .ipconfig(0, IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1").build())
                .tags("docker")
                .start(true)
                .build();
        VmSpec docker2 = VmSpec.builder("docker-02").vmid(9102).node(node)
                .source(Source.fullClone(9000))
                .cores(4).memory(4096)
                .disk(Disk.scsi(0, "local-lvm", DiskSize.ofGiB(32)).withDiscard(true))
                .cloudInit(CloudInit.builder("local-lvm").user("ubuntu").ipconfig(0, IpConfig.dhcp()).build())
                .tags("docker")
                .start(true)
                .build();
        return List.of(VmDefinition.of(template), VmDefinition.of(docker1), VmDefinition.of(docker2));
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " must be set when PHOENIX_PVE_URL is");
        }
        return v;
    }
}
