package ai.thinkheads.phoenix.examples;

import ai.thinkheads.phoenix.backend.api.Credentials;
import ai.thinkheads.phoenix.backend.api.ProxmoxApi;
import ai.thinkheads.phoenix.backend.api.Secret;
import ai.thinkheads.phoenix.backend.api.TlsTrust;
import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.feature.Guest;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.VmConfig;
import ai.thinkheads.phoenix.hypervisor.VmSummary;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ConsoleApplyListener;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.plan.Plan;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import java.time.Duration;
import java.util.List;

/**
 * The main job: declare an Ubuntu 24.04 template (imported from the cloud image) and two Docker
 * VMs cloned from it, show the plan, apply it with progress (the guests come up, cloud-init installs
 * Docker, the features' checks run in the guests), show what exists with the guests' addresses, and
 * plan again to show that nothing is left to do.
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
            // a simulated node on the wall clock, its tasks and guests quick enough for a demo
            FakeHypervisor fake = FakeHypervisor.builder().realTime()
                    .defaultTaskDuration(Duration.ofMillis(50))
                    .guestBootDelay(Duration.ofMillis(200))
                    .cloudInitDuration(Duration.ofMillis(500), Duration.ofMillis(20))
                    .build();
            fake.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
            try (PveSimulator sim = PveSimulator.over(fake.cluster()).build().start()) {
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
                String address = vm.state() == ai.thinkheads.phoenix.hypervisor.PowerState.RUNNING && !vm.template()
                        ? Guest.of(pve, TimeSource.system(), Duration.ofSeconds(30)).awaitAddress(vm.ref()) : "-";
                System.out.printf("%6d %-18s %-8s %-9s cores=%s memory=%s address=%s scsi0=%s%n", vm.vmid(), vm.name(),
                        vm.state().proxmoxName(), vm.template() ? "template" : "vm", config.get("cores").orElse("-"),
                        config.get("memory").orElse("-"), address, config.get("scsi0").orElse("-"));
            }

            Plan again = phoenix.plan(definitions);
            System.out.println();
            System.out.println("== plan again");
            System.out.print(again.renderAfter(plan));
            if (!result.isComplete()) {
                System.err.println("apply did not complete: " + result.failed().size() + " failed, "
                        + result.notAttempted().size() + " not attempted");
                return 1;
            }
            return again.isEmpty() ? 0 : 2;
        }
    }

    /**
     * The seed's setup: a template from the Ubuntu 24.04 cloud image and two Docker VMs cloned from
     * it (one linked with a static address, one full with DHCP), Docker installed through cloud-init
     * and checked in the guest through the agent, snapshots around the first one's features.
     */
    static List<VmDefinition> definitions(String node, String image) {
        VmDefinition template = UbuntuCloud.template("ubuntu-2404-tmpl", 9000).node(node).image(image)
                .diskSize(DiskSize.ofGiB(8)).memory(2048)
                .build();
        VmDefinition docker1 = UbuntuCloud.clone("docker-01", 9000).vmid(9101).node(node)
                .cores(4).memory(4096).diskSize(DiskSize.ofGiB(32))
                .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
                .features("base_setup", "docker").tags("docker")
                .snapshots("before-features", "after-features")
                .build();
        VmDefinition docker2 = UbuntuCloud.clone("docker-02", 9000).vmid(9102).node(node).full()
                .cores(4).memory(4096).diskSize(DiskSize.ofGiB(32))
                .features("base_setup", "docker").tags("docker")
                .build();
        return List.of(template, docker1, docker2);
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " must be set when PHOENIX_PVE_URL is");
        }
        return v;
    }
}
