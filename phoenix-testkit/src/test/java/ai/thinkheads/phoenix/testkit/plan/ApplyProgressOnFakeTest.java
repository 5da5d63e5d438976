package ai.thinkheads.phoenix.testkit.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.definition.UbuntuCloud;
import ai.thinkheads.phoenix.definition.VmDefinition;
import ai.thinkheads.phoenix.plan.ApplyEvent;
import ai.thinkheads.phoenix.plan.ApplyOptions;
import ai.thinkheads.phoenix.plan.ApplyResult;
import ai.thinkheads.phoenix.plan.ChangeKind;
import ai.thinkheads.phoenix.plan.ConsoleApplyListener;
import ai.thinkheads.phoenix.plan.Phoenix;
import ai.thinkheads.phoenix.spec.VmSpec;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestImage;
import ai.thinkheads.phoenix.testkit.model.GuestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What apply tells while it runs: a duration per step instead of timestamps, and a heartbeat during long guest waits. */
class ApplyProgressOnFakeTest {

    @Test
    void eachStepDoneShowsHowLongItTookAndNoLineCarriesATimestamp() {
        FakeHypervisor hv = FakeHypervisor.builder().defaultTaskDuration(Duration.ofSeconds(3)).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Phoenix p = Phoenix.on(hv).applyOptions(ApplyOptions.builder()
                .listener(new ConsoleApplyListener(new PrintStream(out, true, StandardCharsets.UTF_8))).build()).time(hv.time());
        p.converge(List.of(VmDefinition.of(VmSpec.builder("web").memory(512).start(true).build())));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertFalse(lines.stream().anyMatch(l -> l.matches(".*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d.*")), String.join("\n", lines));
        // the fake's tasks take 3 s of virtual time; polling sees the end within its backoff
        Pattern done = Pattern.compile("web \\(100\\): step done (create|start) .*\\((\\d+\\.\\d) s\\)");
        List<String> steps = lines.stream().filter(l -> done.matcher(l).matches()).toList();
        assertEquals(2, steps.size(), String.join("\n", lines));
        for (String l : steps) {
            Matcher m = done.matcher(l);
            assertTrue(m.matches());
            double seconds = Double.parseDouble(m.group(2));
            assertTrue(seconds >= 3.0 && seconds < 10, l);
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("web \\(100\\): vm succeeded \\(\\d+\\.\\d s\\)")), String.join("\n", lines));
    }

    @Test
    void aLongGuestWaitSaysItIsStillWaitingAboutEveryTenSeconds() {
        FakeHypervisor hv = FakeHypervisor.builder().guestBootDelay(Duration.ofSeconds(45)).build();
        hv.cluster().addVolume("pve", "local", "import/noble-server-cloudimg-amd64.img", 3758096384L);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = Phoenix.on(hv).applyOptions(ApplyOptions.builder().listener(events::add).build()).time(hv.time());
        VmDefinition template = UbuntuCloud.template("ubuntu-2404", 9000).diskSize(DiskSize.ofGiB(10)).build();
        VmDefinition docker = UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32))
                .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).features("docker").build();
        ApplyResult result = p.converge(List.of(template, docker));
        assertTrue(result.isComplete(), result.render());

        List<ApplyEvent> beats = events.stream().filter(e -> e.type() == ApplyEvent.Type.STILL_WAITING).toList();
        List<ApplyEvent> agent = beats.stream().filter(e -> e.message().startsWith("still waiting for the guest agent")).toList();
        assertFalse(agent.isEmpty(), events.toString());
        assertEquals("docker-01 (9101): still waiting for the guest agent on docker-01 (" + agent.get(0).elapsed().toSeconds() + " s)",
                agent.get(0).toString());
        assertEquals(ChangeKind.AWAIT_GUEST, agent.get(0).step());
        // the guest boots in 45 s, then cloud-init installs the agent: a beat about every 10 s of that wait, not more often
        assertTrue(agent.size() >= 4, agent.toString());
        for (int i = 1; i < agent.size(); i++) {
            assertTrue(agent.get(i).elapsed().minus(agent.get(i - 1).elapsed()).compareTo(Duration.ofSeconds(10)) >= 0, agent.toString());
        }
        assertTrue(agent.get(0).elapsed().compareTo(Duration.ofSeconds(10)) >= 0
                && agent.get(0).elapsed().compareTo(Duration.ofSeconds(15)) <= 0, agent.toString());
    }

    @Test
    void waitingForCloudInitSaysItIsStillWaitingToo() {
        // an image that ships the agent: the agent answers at boot, and cloud-init's docker install is the long wait
        FakeHypervisor hv = FakeHypervisor.builder().guestImages(GuestImages.stock().with("with-agent",
                GuestImage.ubuntuNobleCloud().withPackages("ubuntu-with-agent", "qemu-guest-agent"))).build();
        hv.cluster().addVolume("pve", "local", "import/with-agent.img", 3758096384L);
        List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
        Phoenix p = Phoenix.on(hv).applyOptions(ApplyOptions.builder().listener(events::add).build()).time(hv.time());
        VmDefinition template = UbuntuCloud.template("ubuntu-2404", 9000).image("local:import/with-agent.img")
                .diskSize(DiskSize.ofGiB(10)).build();
        VmDefinition docker = UbuntuCloud.clone("docker-01", 9000).vmid(9101).diskSize(DiskSize.ofGiB(32))
                .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).features("docker").build();
        assertTrue(p.converge(List.of(template, docker)).isComplete());
        List<ApplyEvent> ci = events.stream().filter(e -> e.type() == ApplyEvent.Type.STILL_WAITING
                && e.message().startsWith("still waiting for cloud-init to finish on docker-01 (")).toList();
        assertFalse(ci.isEmpty(), events.toString());
    }
}
