package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.VmRef;
import ai.thinkheads.phoenix.testing.ThoroughSuite;
import ai.thinkheads.phoenix.testing.ThoroughTries;
import ai.thinkheads.phoenix.testkit.schema.PveApiReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Shell safety, for real: hostile values go through the public {@link QmHypervisor} API, over SSH
 * (JSch → MINA SSHD), through a real {@code /bin/sh -c}, into stub {@code qm} scripts that record
 * their argv NUL-terminated. Every value must arrive as exactly one, byte-identical argument; and
 * a canary file that any injected {@code $(...)}, backtick or {@code ;} would create must never
 * appear. Every command line the stubs receive is also translated into its API request and checked
 * against the PVE 8.4 and 9.1 schemas ({@link TestSshd} → {@link CommandLineSchemaCheck}), so a value
 * that travels intact but that PVE would refuse fails the property too.
 *
 * <p>How the count is made (100 tries, 300 in the thorough suite; one SSH session for all of
 * them): each try has 120 values, three groups of 40 (39 short hostile ones and one long one).
 * A round trip through the real shell is what costs (a fork of {@code sh} and of the stub per
 * command), so each command carries as many values as it can.
 * <ul>
 *   <li>All 120 travel as the words of one {@code qm guest exec 100 ... -- <120 words>}: 12,000
 *       values checked as arguments in total (36,000 thorough), each byte-identical and (as an
 *       item of the API's {@code command} array) schema-checked, counted in {@link #execArguments}.</li>
 *   <li>Each value is offered to every config key whose schema takes free text or a format the
 *       backend checks ({@link #KEYS}: description, ciuser, cipassword, searchdomain, args, name,
 *       tags). Where Proxmox would reject it, the backend must refuse it with
 *       {@link IllegalArgumentException} before any command is sent ({@link #refusals}, about
 *       40,000 value/key pairs): line breaks outside {@code description} (qemu-server
 *       {@code check_type}), names outside {@code dns-name} and tags outside {@code pve-tag-list}
 *       (the schema, asserted here against the schema itself), an empty {@code cipassword}.</li>
 *   <li>Each value is also assigned to one of the keys in turn and, where accepted, travels in a
 *       {@code qm set} (one value per key a command). The thorough suite sends every such command
 *       (about two thirds of the values are delivered, {@link #configArguments}); the default run
 *       sends the first {@value #SETS_PER_TRY} of each try ({@link #notSentThisRun} counts the
 *       accepted values it leaves out): every key, the stdin paths and the pairing of options
 *       with values are the same path whatever the value, and the values themselves all travel
 *       byte-identical in the guest-exec words. A {@code cipassword} never travels as an
 *       argument: it arrives on stdin, twice, as the answer to qm's password prompt, with
 *       {@code --cipassword} last and without a value (in a {@code qm set} of its own when
 *       {@code sshkeys} takes stdin).</li>
 *   <li>The first value of each group also travels as {@code sshkeys}: URL-encoded by the test, it
 *       must arrive decoded and byte-identical on the stub's stdin ({@link #stdinValues}).</li>
 * </ul>
 * Keys with structured formats (disks, NICs, boot order...) are not given hostile text: PVE
 * refuses nearly all of it, and the backend leaves those formats to PVE.
 * {@link #checkCountsAndCanary()} asserts the totals after the container ran and prints them with
 * how many command lines were schema-checked.
 */
class ShellSafetyProperties {

    private static final int TRIES = 100;
    private static final int THOROUGH_TRIES = 300;
    /** Groups of values a try: 39 short and one long each. */
    private static final int GROUPS = 3;
    private static final int GROUP_SIZE = 40;
    private static final int VALUES_PER_TRY = GROUPS * GROUP_SIZE;
    /** How many {@code qm set} commands a try sends outside the thorough suite (at least {@link #GROUPS}). */
    private static final int SETS_PER_TRY = 6;
    private static final VmRef VM = VmRef.of(TestSshd.NODE, 100);
    /** Config keys that take any text (but line breaks), plus the two formats QmValidation checks. */
    private static final List<String> KEYS = List.of("description", "ciuser", "cipassword", "searchdomain", "args",
            "name", "tags");
    private static final Pattern DNS_NAME = Pattern.compile(
            "^([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?$");
    private static final Pattern TAG = Pattern.compile("^[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*$");

    static final AtomicInteger tries = new AtomicInteger();
    static final AtomicInteger execArguments = new AtomicInteger();
    static final AtomicInteger configArguments = new AtomicInteger();
    static final AtomicInteger rejectedBeforeSending = new AtomicInteger();
    static final AtomicInteger notSentThisRun = new AtomicInteger();
    static final AtomicInteger refusals = new AtomicInteger();
    static final AtomicInteger stdinValues = new AtomicInteger();

    private static Path dir;
    private static Path canary;
    private static TestSshd sshd;
    private static QmHypervisor pve;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("phoenix-shell-safety");
        canary = dir.resolve("PWNED");
        sshd = TestSshd.start(dir);
        pve = QmHypervisor.builder()
                .ssh(SshSettings.builder().host("127.0.0.1").port(sshd.port())
                        .user(TestSshd.USER).password(TestSshd.PASSWORD)
                        .knownHosts(sshd.knownHosts()).build())
                .node(TestSshd.NODE).build();
    }

    @AfterContainer
    static void checkCountsAndCanary() throws IOException {
        try {
            sshd.clearCalls();
            int values = tries.get() * VALUES_PER_TRY;
            System.out.printf("shell safety: %d tries; %d guest-exec arguments, %d config arguments, %d stdin values "
                            + "checked byte-identical; %d values rejected before sending (%d value/key refusals); "
                            + "%d accepted config values not sent in this run (thorough: -Pthorough); %d qm/pvesh "
                            + "command lines schema-checked so far in this JVM%n",
                    tries.get(), execArguments.get(), configArguments.get(), stdinValues.get(),
                    rejectedBeforeSending.get(), refusals.get(), notSentThisRun.get(), CommandLineSchemaCheck.checked());
            assertFalse(Files.exists(canary), "an injected command ran on the server");
            assertEquals(ThoroughSuite.enabled() ? THOROUGH_TRIES : TRIES, tries.get());
            assertEquals(values, execArguments.get());
            // every value was checked as a config value of its key: delivered intact (and its command
            // line schema-checked), refused before sending, or (default run) accepted but not sent
            assertEquals(values, configArguments.get() + rejectedBeforeSending.get() + notSentThisRun.get());
            if (ThoroughSuite.enabled()) {
                assertEquals(0, notSentThisRun.get());
                assertTrue(configArguments.get() >= values / 2, "config arguments delivered: " + configArguments.get());
            } else {
                // each sent qm set carries a description (it takes any text) and most of the other keys
                assertTrue(configArguments.get() >= tries.get() * SETS_PER_TRY * 3,
                        "config arguments delivered: " + configArguments.get());
            }
            assertTrue(refusals.get() >= values, "value/key refusals: " + refusals.get());
            assertEquals(tries.get() * GROUPS, stdinValues.get());
        } finally {
            pve.close();
            sshd.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = TRIES)
    @ThoroughTries(THOROUGH_TRIES)
    void everyValueArrivesAsOneByteIdenticalArgument(@ForAll("shortValues") List<String> shorts,
                                                     @ForAll("longValues") List<String> longValues) {
        tries.incrementAndGet();
        List<String> values = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            values.addAll(shorts.subList(g * (GROUP_SIZE - 1), (g + 1) * (GROUP_SIZE - 1)));
            values.add(longValues.get(g));
        }

        // 1. all 120 as guest-exec words
        sshd.clearCalls();
        assertEquals(4242, pve.agentExec(VM, values, null));
        TestSshd.Call exec = single(sshd.calls());
        List<String> head = List.of("guest", "exec", "100", "--synchronous", "0", "--");
        assertEquals(head, exec.argStrings().subList(0, head.size()));
        assertEquals(head.size() + values.size(), exec.args().size());
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(bytes(values.get(i)), exec.args().get(head.size() + i), "word " + i);
            execArguments.incrementAndGet();
        }

        // 2. every value offered to every key: the ones Proxmox rejects are refused before sending
        sshd.clearCalls();
        for (String value : values) {
            for (String key : KEYS) {
                if (proxmoxRejects(key, value)) {
                    assertThrows(IllegalArgumentException.class, () -> pve.updateConfig(VM, ConfigUpdate.set(key, value)),
                            key + " should be refused");
                    refusals.incrementAndGet();
                }
            }
        }
        assertTrue(sshd.calls().isEmpty(), "nothing may be sent for a refused value");

        // 3. each value as the config value of its key in turn: accepted ones in qm set commands (one
        //    value per key each)
        List<Map<String, String>> batches = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String key = KEYS.get(i % KEYS.size());
            String value = values.get(i);
            if (proxmoxRejects(key, value)) {
                rejectedBeforeSending.incrementAndGet();
                continue;
            }
            Map<String, String> batch = batches.stream().filter(m -> !m.containsKey(key)).findFirst().orElse(null);
            if (batch == null) {
                batch = new LinkedHashMap<>();
                batches.add(batch);
            }
            batch.put(key, value);
        }
        while (batches.size() < GROUPS) {
            batches.add(new LinkedHashMap<>());
        }
        for (int g = 0; g < GROUPS; g++) {
            batches.get(g).put("sshkeys", urlEncode(values.get(g * GROUP_SIZE)));
        }
        // what each sshkeys must arrive as: the first value of its group
        Map<Map<String, String>, String> sshkeysValue = new java.util.IdentityHashMap<>();
        for (int g = 0; g < GROUPS; g++) {
            sshkeysValue.put(batches.get(g), values.get(g * GROUP_SIZE));
        }
        int sending = ThoroughSuite.enabled() ? batches.size() : Math.min(SETS_PER_TRY, batches.size());
        for (Map<String, String> left : batches.subList(sending, batches.size())) {
            notSentThisRun.addAndGet(left.size());
        }
        for (Map<String, String> accepted : batches.subList(0, sending)) {
            sshd.clearCalls();
            pve.updateConfig(VM, ConfigUpdate.set(accepted)).await(java.time.Duration.ofSeconds(1));
            List<TestSshd.Call> calls = sshd.calls();
            String password = accepted.get("cipassword");
            // the cipassword is never on the command line: "--cipassword" without a value, last,
            // the password twice on stdin; in a qm set of its own when sshkeys takes stdin
            boolean ownCommand = password != null && accepted.containsKey("sshkeys");
            assertEquals(ownCommand ? 2 : 1, calls.size(), "qm set commands");
            TestSshd.Call set = calls.get(0);
            assertEquals("qm", set.program());
            if (password != null) {
                TestSshd.Call withPassword = calls.get(calls.size() - 1);
                assertEquals("qm", withPassword.program());
                List<String> a = withPassword.argStrings();
                assertEquals("--cipassword", a.get(a.size() - 1));
                if (ownCommand) {
                    assertEquals(List.of("set", "100", "--cipassword"), a);
                }
                assertArrayEquals(bytes(password + "\n" + password + "\n"), withPassword.stdin(), "cipassword on stdin");
                configArguments.incrementAndGet();
            }
            List<byte[]> args = set.args();
            assertEquals(List.of("set", "100"), set.argStrings().subList(0, 2));
            boolean passwordHere = password != null && !ownCommand;
            int options = accepted.size() - (password != null ? 1 : 0);
            assertEquals(2 + 2 * options + (passwordHere ? 1 : 0), args.size());
            Map<String, byte[]> received = new LinkedHashMap<>();
            for (int i = 2; i < 2 + 2 * options; i += 2) {
                String option = new String(args.get(i), StandardCharsets.UTF_8);
                assertTrue(option.startsWith("--"), option);
                assertTrue(received.put(option.substring(2), args.get(i + 1)) == null, "duplicate " + option);
            }
            java.util.Set<String> onCommandLine = new java.util.LinkedHashSet<>(accepted.keySet());
            onCommandLine.remove("cipassword");
            assertEquals(onCommandLine, received.keySet());
            for (Map.Entry<String, String> e : accepted.entrySet()) {
                if (e.getKey().equals("cipassword")) {
                    continue;
                }
                if (e.getKey().equals("sshkeys")) {
                    assertArrayEquals(bytes("/dev/stdin"), received.get("sshkeys"));
                    assertArrayEquals(bytes(sshkeysValue.get(accepted)), set.stdin(), "sshkeys on stdin");
                    stdinValues.incrementAndGet();
                } else {
                    assertArrayEquals(bytes(e.getValue()), received.get(e.getKey()), e.getKey());
                    configArguments.incrementAndGet();
                }
            }
        }
        sshd.clearCalls(); // schema-checks the last command's record
    }

    /**
     * The test's own statement of what Proxmox refuses (see QmValidation for the sources). Where the
     * rule is the schema's (name, tags, description's length), the schema must agree.
     */
    private static boolean proxmoxRejects(String key, String value) {
        if (!key.equals("description") && (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            return true; // qemu-server PVE::QemuServer::check_type: "property contains a line feed"
        }
        boolean schemaRejects = switch (key) {
            case "name" -> !DNS_NAME.matcher(value).matches();
            case "tags" -> Stream.of(value.split("[;,\\s]+")).anyMatch(t -> !t.isEmpty() && !TAG.matcher(t).matches());
            case "description" -> value.length() > 8192;
            default -> false;
        };
        if (key.equals("name") || key.equals("tags") || key.equals("description")) {
            for (String version : PveApiReference.VERSIONS) {
                boolean refused = !PveApiReference.schema(version)
                        .validate("PUT", "/nodes/" + TestSshd.NODE + "/qemu/100/config", Map.of(key, List.of(value))).isEmpty();
                assertEquals(schemaRejects, refused, "PVE " + version + " schema on " + key);
            }
        }
        if (key.equals("cipassword")) {
            // the answer to qm's password prompt on stdin: an empty line would be an empty password
            return value.isEmpty();
        }
        return schemaRejects;
    }

    private static TestSshd.Call single(List<TestSshd.Call> calls) {
        assertEquals(1, calls.size(), "one command expected");
        assertEquals("qm", calls.get(0).program());
        return calls.get(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Percent-encodes every byte outside the RFC 3986 unreserved set (as URI::Escape does). */
    private static String urlEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes(s)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    // ---- generators ----------------------------------------------------------------------

    private static final List<String> SAMPLES = List.of(
            "$(touch CANARY)", "`touch CANARY`", "'; touch CANARY; '", "\"; touch CANARY; \"", "x; touch CANARY",
            "x | touch CANARY", "x && touch CANARY", "x\ntouch CANARY", "$(touch CANARY)'\"`touch CANARY`",
            "a'b", "'", "''", "'\\''", "\\", "\\'", "\\\"", "$HOME", "${IFS}", "$((1+1))", "$'\\x41'", "*", "~", "!", "!!",
            "-", "--", "--delete", "-n", "--output-format", "--digest=0", "-e", "\n", "\r\n", "%00", "%s%n%x",
            "\u202e", "\uD83D\uDE00", "\u00fc", "\u6f22\u5b57", "\t", " ", "  leading", "trailing  ", "|| true",
            "> /tmp/x", "< /etc/passwd", "#comment", ";", "&", "|", "\u00a0", "\uFEFF", "\u0085", "\u2028", "0", "",
            "web01", "prod;db", "10.0.0.1 1.1.1.1", "ip=dhcp,gw=10.0.0.1", "virtio,bridge=vmbr0");

    @Provide
    Arbitrary<List<String>> shortValues() {
        return shortValue().list().ofSize(GROUPS * (GROUP_SIZE - 1));
    }

    private Arbitrary<String> shortValue() {
        Arbitrary<String> shellChars = Arbitraries.strings().withChars("'\"$`\\;|&<>(){}[]*?!#~%^=,: \t\n\r-").ofMaxLength(24);
        Arbitrary<String> controls = Arbitraries.strings().withCharRange('\u0001', '\u001f').withChars('\u007f').ofMaxLength(8);
        Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
        Arbitrary<String> unicode = Arbitraries.strings().withCharRange('\u00a0', '\ud7ff').ofMaxLength(16);
        Arbitrary<String> samples = Arbitraries.of(SAMPLES).map(s -> s.replace("CANARY", canary.toString()));
        Arbitrary<String> dashed = Combinators.combine(Arbitraries.of("-", "--", "---"), printable).as(String::concat);
        Arbitrary<String> mixed = Combinators.combine(samples, shellChars, unicode, controls)
                .as((a, b, c, d) -> a + b + c + d);
        Arbitrary<String> dnsLike = Arbitraries.strings().withCharRange('a', 'z').withChars("-.0123456789").ofMinLength(1).ofMaxLength(20);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, shellChars),
                net.jqwik.api.Tuple.of(2, controls),
                net.jqwik.api.Tuple.of(2, printable),
                net.jqwik.api.Tuple.of(2, unicode),
                net.jqwik.api.Tuple.of(3, samples),
                net.jqwik.api.Tuple.of(2, dashed),
                net.jqwik.api.Tuple.of(3, mixed),
                net.jqwik.api.Tuple.of(2, dnsLike),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("")));
    }

    @Provide
    Arbitrary<List<String>> longValues() {
        return Arbitraries.strings().withChars("'\"$`\\;|&\n -abcXYZ\u00fc\u6f22").ofMinLength(1000).ofMaxLength(6000)
                .list().ofSize(GROUPS);
    }
}
