package ai.thinkheads.phoenix.backend.qm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.hypervisor.ConfigUpdate;
import ai.thinkheads.phoenix.hypervisor.VmRef;
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
 * <p>How the count is made (300 tries, one SSH session for all of them): each try has 40 values
 * (39 short hostile ones and one long one).
 * <ul>
 *   <li>All 40 travel as the words of one {@code qm guest exec 100 ... -- <40 words>}: 12,000
 *       values checked as arguments in total, each byte-identical and (as an item of the API's
 *       {@code command} array) schema-checked, counted in {@link #execArguments}.</li>
 *   <li>Each value is also assigned to a config key whose schema takes free text or a format the
 *       backend checks ({@link #KEYS}: description, ciuser, cipassword, searchdomain, args, name,
 *       tags, in turn), several {@code qm set} commands a try, one value per key each. The values
 *       Proxmox accepts travel and are checked pairwise ({@link #configArguments}); the ones it
 *       would reject must be refused with {@link IllegalArgumentException} before any command is
 *       sent ({@link #rejectedBeforeSending}): line breaks outside {@code description}
 *       (qemu-server {@code check_type}), names outside {@code dns-name} and tags outside
 *       {@code pve-tag-list} (the schema, asserted here against the schema itself), an empty
 *       {@code cipassword}. A {@code cipassword} never travels as an argument: it arrives on
 *       stdin, twice, as the answer to qm's password prompt, with {@code --cipassword} last and
 *       without a value (in a {@code qm set} of its own when {@code sshkeys} takes stdin).</li>
 *   <li>The first value also travels as {@code sshkeys}: URL-encoded by the test, it must arrive
 *       decoded and byte-identical on the stub's stdin ({@link #stdinValues}).</li>
 * </ul>
 * All 12,000 values are checked as config values, delivered or refused (about two thirds are
 * delivered: a line break rules a value out of every key but {@code description}). Keys with
 * structured formats (disks, NICs, boot order...) are not given hostile text: PVE refuses nearly
 * all of it, and the backend leaves those formats to PVE. {@link #checkCountsAndCanary()}
 * asserts the totals after the container ran and prints how many command lines were schema-checked.
 */
class ShellSafetyProperties {

    private static final int TRIES = 300;
    private static final VmRef VM = VmRef.of(TestSshd.NODE, 100);
    /** Config keys that take any text (but line breaks), plus the two formats QmValidation checks. */
    private static final List<String> KEYS = List.of("description", "ciuser", "cipassword", "searchdomain", "args",
            "name", "tags");
    private static final Pattern DNS_NAME = Pattern.compile(
            "^([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?$");
    private static final Pattern TAG = Pattern.compile("^[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*$");

    static final AtomicInteger execArguments = new AtomicInteger();
    static final AtomicInteger configArguments = new AtomicInteger();
    static final AtomicInteger rejectedBeforeSending = new AtomicInteger();
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
            System.out.printf("shell safety: %d guest-exec arguments, %d config arguments, %d stdin values checked "
                            + "byte-identical; %d values rejected before sending; %d qm/pvesh command lines "
                            + "schema-checked so far in this JVM%n",
                    execArguments.get(), configArguments.get(), stdinValues.get(), rejectedBeforeSending.get(),
                    CommandLineSchemaCheck.checked());
            assertFalse(Files.exists(canary), "an injected command ran on the server");
            assertEquals(TRIES * 40, execArguments.get());
            // every one of the 12,000 values was checked as a config value: delivered intact (and its
            // command line schema-checked) or refused before sending; most of them are delivered
            assertEquals(TRIES * 40, configArguments.get() + rejectedBeforeSending.get());
            assertTrue(configArguments.get() >= TRIES * 40 / 2, "config arguments delivered: " + configArguments.get());
            assertEquals(TRIES, stdinValues.get());
        } finally {
            pve.close();
            sshd.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = TRIES)
    void everyValueArrivesAsOneByteIdenticalArgument(@ForAll("shortValues") List<String> shorts,
                                                     @ForAll("longValue") String longValue) {
        List<String> values = new ArrayList<>(shorts);
        values.add(longValue);

        // 1. all 40 as guest-exec words
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

        // 2. as config values: accepted ones in qm set commands (one value per key each), rejected ones
        //    refused before sending
        List<Map<String, String>> batches = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String key = KEYS.get(i % KEYS.size());
            String value = values.get(i);
            if (proxmoxRejects(key, value)) {
                sshd.clearCalls();
                assertThrows(IllegalArgumentException.class, () -> pve.updateConfig(VM, ConfigUpdate.set(key, value)),
                        key + " should be refused");
                assertTrue(sshd.calls().isEmpty(), "nothing may be sent for a refused value");
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
        if (batches.isEmpty()) {
            batches.add(new LinkedHashMap<>());
        }
        batches.get(0).put("sshkeys", urlEncode(values.get(0)));
        for (Map<String, String> accepted : batches) {
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
                    assertArrayEquals(bytes(values.get(0)), set.stdin(), "sshkeys on stdin");
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
        return shortValue().list().ofSize(39);
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
    Arbitrary<String> longValue() {
        return Arbitraries.strings().withChars("'\"$`\\;|&\n -abcXYZ\u00fc\u6f22").ofMinLength(1000).ofMaxLength(6000);
    }
}
