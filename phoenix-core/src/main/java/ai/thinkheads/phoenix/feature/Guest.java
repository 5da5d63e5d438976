package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.hypervisor.GuestExecStatus;
import ai.thinkheads.phoenix.hypervisor.GuestInterface;
import ai.thinkheads.phoenix.hypervisor.Hypervisor;
import ai.thinkheads.phoenix.hypervisor.OperationInterruptedException;
import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.TransportException;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.hypervisor.WrongStateException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A started VM's guest, seen through its QEMU guest agent: wait for the agent, for an address, for
 * cloud-init to finish, and run commands — each bounded by a deadline.
 *
 * <pre>{@code
 * Guest guest = Guest.of(pve, TimeSource.system(), Duration.ofMinutes(10));
 * String ip = guest.awaitReady(new VmRef("pve", 101), true);   // agent up, address, cloud-init done
 * GuestExecStatus s = guest.run(new VmRef("pve", 101), GuestStep.of("docker works", "docker", "info"));
 * }</pre>
 *
 * <p>The agent answers only once the guest runs {@code qemu-guest-agent}; the stock Ubuntu cloud
 * image does not have it, which is why a wait that never ends says so instead of just timing out.
 *
 * <p>A long wait is told about: with {@link #onWaiting(Waiting)}, about every {@link #HEARTBEAT} of
 * the time source (virtual or real) that a wait goes on, e.g. {@code the guest agent, 40 s}.
 */
public final class Guest {

    private static final Duration FIRST_POLL = Duration.ofSeconds(1);
    private static final Duration MAX_POLL = Duration.ofSeconds(5);
    /** How often a wait that goes on is told about. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Hypervisor hypervisor;
    private final TimeSource time;
    private final Duration timeout;
    private final Waiting waiting;

    /** Hears that a wait goes on. Called on the waiting thread; must be quick. */
    @FunctionalInterface
    public interface Waiting {
        /**
         * @param forWhat what is waited for: {@code the guest agent}, {@code an IPv4 address},
         *     {@code cloud-init to finish}, {@code the guest step '...'}
         * @param waited how long so far
         */
        void stillWaiting(String forWhat, Duration waited);
    }

    private Guest(Hypervisor hypervisor, TimeSource time, Duration timeout, Waiting waiting) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.time = Objects.requireNonNull(time, "time");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.waiting = Objects.requireNonNull(waiting, "waiting");
    }

    /** Waits on {@code time}; each wait (agent, address, cloud-init) may take up to {@code timeout}. */
    public static Guest of(Hypervisor hypervisor, TimeSource time, Duration timeout) {
        return new Guest(hypervisor, time, timeout, (what, waited) -> { });
    }

    /** The same guest, telling {@code value} about every {@link #HEARTBEAT} that a wait goes on. */
    public Guest onWaiting(Waiting value) {
        return new Guest(hypervisor, time, timeout, value);
    }

    /** Tells {@link #waiting} each time another {@link #HEARTBEAT} of one wait has passed. */
    private final class Heartbeat {
        private final String forWhat;
        private final Instant start = time.now();
        private Instant next = start.plus(HEARTBEAT);

        Heartbeat(String forWhat) {
            this.forWhat = forWhat;
        }

        void check() {
            Instant now = time.now();
            if (!now.isBefore(next)) {
                waiting.stillWaiting(forWhat, Duration.between(start, now));
                while (!next.isAfter(now)) {
                    next = next.plus(HEARTBEAT);
                }
            }
        }
    }

    /** Until the agent answers a ping. */
    public void awaitAgent(VmRef vm) {
        Instant deadline = time.now().plus(timeout);
        Heartbeat beat = new Heartbeat("the guest agent");
        String last = "";
        for (Duration pause = FIRST_POLL; ; pause = next(pause)) {
            try {
                hypervisor.agentPing(vm);
                return;
            } catch (WrongStateException | TransportException e) {
                last = e.getMessage();
            }
            if (!time.now().isBefore(deadline)) {
                throw new GuestNotReadyException("VM " + vm.vmid() + ": the guest agent did not answer within " + timeout.toSeconds()
                        + " s (last: " + last + "); does the image run qemu-guest-agent? (the stock Ubuntu cloud image does"
                        + " not: install and start it through user-data, e.g. the qemu-guest-agent feature)", vm.vmid());
            }
            pause(pause);
            beat.check();
        }
    }

    /** Until the agent reports an IPv4 address other than loopback; returns it. */
    public String awaitAddress(VmRef vm) {
        Instant deadline = time.now().plus(timeout);
        Heartbeat beat = new Heartbeat("an IPv4 address");
        for (Duration pause = FIRST_POLL; ; pause = next(pause)) {
            Optional<String> ip = address(hypervisor.agentNetworkInterfaces(vm));
            if (ip.isPresent()) {
                return ip.get();
            }
            if (!time.now().isBefore(deadline)) {
                throw new GuestNotReadyException("VM " + vm.vmid() + ": the guest reported no IPv4 address within "
                        + timeout.toSeconds() + " s", vm.vmid());
            }
            pause(pause);
            beat.check();
        }
    }

    /**
     * Until {@code cloud-init status --wait} ends. Exit 0 is done; 2 is done with recoverable errors
     * (cloud-init's "degraded", {@code cloudinit/cmd/status.py}), returned as a warning that carries
     * the errors themselves, read from {@code cloud-init status --format json}'s
     * {@code recoverable_errors} (log level → messages, aggregated over the stages by
     * {@code get_errors}); anything else fails with cloud-init's output.
     *
     * @return a warning, or empty
     */
    public Optional<String> awaitCloudInit(VmRef vm) {
        GuestStep wait = new GuestStep("cloud-init finished", List.of("cloud-init", "status", "--wait"), timeout);
        GuestExecStatus s = exec(vm, wait, "cloud-init to finish");
        if (s.exitCode() == 0) {
            return Optional.empty();
        }
        if (s.exitCode() == 2) {
            return Optional.of("VM " + vm.vmid() + ": cloud-init finished with recoverable errors: " + recoverableErrors(vm)
                    .orElse(tail(s.stdout() + s.stderr())));
        }
        throw new GuestStepFailedException("VM " + vm.vmid() + ": cloud-init failed (exit " + s.exitCode() + "): "
                + tail(s.stdout() + s.stderr()), vm.vmid(), wait.command(), s.exitCode());
    }

    /** {@code WARNING: a; b | DEPRECATED: c} from {@code cloud-init status --format json}; empty if it has none or says nothing readable. */
    private Optional<String> recoverableErrors(VmRef vm) {
        GuestStep status = new GuestStep("cloud-init's recoverable errors", List.of("cloud-init", "status", "--format", "json"),
                timeout);
        GuestExecStatus s = exec(vm, status, "cloud-init's status");
        JsonNode errors;
        try {
            errors = JSON.readTree(s.stdout()).path("recoverable_errors");
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        List<String> levels = new ArrayList<>();
        errors.properties().forEach(level -> {
            List<String> messages = new ArrayList<>();
            level.getValue().forEach(m -> messages.add(m.asText().replace('\n', ' ')));
            if (!messages.isEmpty()) {
                levels.add(level.getKey() + ": " + String.join("; ", messages));
            }
        });
        return levels.isEmpty() ? Optional.empty() : Optional.of(tail(String.join(" | ", levels)));
    }

    /**
     * The agent, an address and (with {@code cloudInit}) cloud-init, in that order.
     *
     * @return the guest's address
     */
    public String awaitReady(VmRef vm, boolean cloudInit) {
        awaitAgent(vm);
        String ip = awaitAddress(vm);
        if (cloudInit) {
            awaitCloudInit(vm);
        }
        return ip;
    }

    /** Runs {@code step}; it must exit 0. */
    public GuestExecStatus run(VmRef vm, GuestStep step) {
        GuestExecStatus s = exec(vm, step, "the guest step '" + step.description() + "'");
        if (s.exitCode() != 0) {
            throw new GuestStepFailedException("VM " + vm.vmid() + ": " + step.description() + ": " + String.join(" ", step.command())
                    + " exited " + s.exitCode() + ": " + tail(s.stdout() + s.stderr()), vm.vmid(), step.command(), s.exitCode());
        }
        return s;
    }

    private GuestExecStatus exec(VmRef vm, GuestStep step, String forWhat) {
        int pid = hypervisor.agentExec(vm, step.command(), null);
        Instant deadline = time.now().plus(step.timeout());
        Heartbeat beat = new Heartbeat(forWhat);
        for (Duration pause = FIRST_POLL; ; pause = next(pause)) {
            GuestExecStatus s = hypervisor.agentExecStatus(vm, pid);
            if (s.exited()) {
                return s;
            }
            if (!time.now().isBefore(deadline)) {
                throw new GuestStepFailedException("VM " + vm.vmid() + ": " + step.description() + ": " + String.join(" ", step.command())
                        + " did not end within " + step.timeout().toSeconds() + " s", vm.vmid(), step.command(), null);
            }
            pause(pause);
            beat.check();
        }
    }

    static Optional<String> address(List<GuestInterface> interfaces) {
        return interfaces.stream().filter(i -> !i.name().equals("lo")).flatMap(i -> i.addresses().stream())
                .filter(a -> a.type().equals("ipv4") && !a.address().startsWith("127.")).map(GuestInterface.Address::address).findFirst();
    }

    private static String tail(String output) {
        String t = output.strip();
        return t.length() <= 400 ? t : "..." + t.substring(t.length() - 400);
    }

    private static Duration next(Duration pause) {
        Duration d = pause.multipliedBy(2);
        return d.compareTo(MAX_POLL) > 0 ? MAX_POLL : d;
    }

    private void pause(Duration d) {
        try {
            time.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationInterruptedException("interrupted while waiting for the guest", e);
        }
    }
}
