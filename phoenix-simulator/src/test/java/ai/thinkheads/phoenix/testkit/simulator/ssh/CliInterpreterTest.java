package ai.thinkheads.phoenix.testkit.simulator.ssh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliInterpreterTest {

    private FakePve pve;
    private CliInterpreter cli;
    private final Map<String, byte[]> snippets = new ConcurrentHashMap<>();

    /** The node's snippet directory, by file name; any other path is not writable. */
    private void writeSnippet(String path, byte[] content) throws NodeFiles.CannotWrite {
        String prefix = CliInterpreter.SNIPPET_DIR + "/";
        if (!path.startsWith(prefix)) {
            throw new NodeFiles.CannotWrite("Permission denied");
        }
        snippets.put(path.substring(prefix.length()), content);
    }

    @BeforeEach
    void setUp() {
        pve = new FakePve("pve1");
        cli = CliInterpreter.builder(pve.router, "pve1")
                .time(pve.clock)
                .pollInterval(Duration.ofMillis(500))
                .files(this::writeSnippet)
                .build();
    }

    private CliResult run(String line) {
        return cli.run(line, new byte[0]);
    }

    private CliResult run(String line, String stdin) {
        return cli.run(line, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertResult(CliResult r, int exit, String stdout, String stderr) {
        assertEquals(stdout, r.stdout(), "stdout");
        assertEquals(stderr, r.stderr(), "stderr");
        assertEquals(exit, r.exitCode(), "exit code");
    }

    // ---- qm list ------------------------------------------------------------------------------------

    @Test
    void qmListPrintsNothingAtAllWithoutVms() {
        assertResult(run("qm list"), 0, "", "");
    }

    @Test
    void qmListUsesQmPmsPrintfColumnsSortedByVmid() {
        pve.addVm(9000, Map.of("name", "debian12-tmpl", "memory", "2048", "_disk", 2362232013L));
        pve.addVm(100, Map.of("name", "web01", "memory", "1536", "_disk", 34359738368L, "_status", "running"));
        pve.addVm(101, Map.of("name", "a-name-longer-than-twenty", "memory", "512"));
        assertResult(run("qm list"), 0,
                "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n"
              + "       100 web01                running    1536              32.00 4342      \n"
              + "       101 a-name-longer-than-twenty stopped    512                0.00 0         \n"
              + "      9000 debian12-tmpl        stopped    2048               2.20 0         \n", "");
    }

    // ---- passwords on stdin ----------------------------------------------------------------------------

    @Test
    void qmSetReadsACipasswordWithoutAValueFromStdinAsTheRealCliDoes() {
        pve.addVm(100, Map.of("name", "web01", "memory", "512"));
        CliResult r = run("qm set 100 --ciuser admin --cipassword", "-x $6$hash\n-x $6$hash\n");
        assertEquals(0, r.exitCode(), r.stderr());
        ApiRequest put = pve.callsTo("PUT", "/config").get(0);
        assertEquals(List.of("-x $6$hash"), put.params().get("cipassword"));
        assertEquals(List.of("admin"), put.params().get("ciuser"));
        assertResult(run("qm set 100 --cipassword", "one\ntwo\n"), 255, "", "passwords do not match\n");
        assertResult(run("qm set 100 --cipassword", ""), 255, "", "EOF while reading password\n");
    }

    // ---- tasks ----------------------------------------------------------------------------------------

    @Test
    void qmCreateRunsTheTaskInTheForegroundAndPassesApiParameters() {
        pve.nextLog = List.of("Formatting '/var/lib/vz/images/200/vm-200-disk-0.raw', fmt=raw size=34359738368",
                "scsi0: successfully created disk 'local:200/vm-200-disk-0.raw,size=32G'");
        CliResult r = run("qm create 200 --memory 2048 --net0 virtio,bridge=vmbr0 -scsihw virtio-scsi-pci "
                + "--name 'web 01' --onboot --tags a --tags b");
        assertResult(r, 0, "Formatting '/var/lib/vz/images/200/vm-200-disk-0.raw', fmt=raw size=34359738368\n"
                + "scsi0: successfully created disk 'local:200/vm-200-disk-0.raw,size=32G'\n", "");
        ApiRequest create = pve.callsTo("POST", "/nodes/pve1/qemu").get(0);
        assertEquals("/nodes/pve1/qemu", create.path());
        assertEquals(Map.of("memory", "2048", "net0", "virtio,bridge=vmbr0", "scsihw", "virtio-scsi-pci",
                "name", "web 01", "onboot", "1", "tags", "a,b", "vmid", "200"), create.singleParams());
        assertEquals("root@pam", create.userId());
        assertTrue(pve.statusPolls.get() >= 2, "the task was followed until it stopped");
    }

    @Test
    void failedTaskPrintsTheLogThenTheErrorOnStderrAndExits255() {
        pve.nextLog = List.of("starting");
        pve.nextExit = "unable to create VM 200 - storage 'nope' does not exist";
        assertResult(run("qm create 200 --scsi0 nope:4"), 255, "starting\n",
                "unable to create VM 200 - storage 'nope' does not exist\n");
    }

    @Test
    void taskWarningsAreReportedButSucceed() {
        pve.nextLog = List.of("WARN: something odd", "WARN: something else");
        assertEquals(0, run("qm create 201").exitCode());
        pve.nextExit = "WARNINGS: 2";
        pve.addVm(100, Map.of());
        assertResult(run("qm start 100"), 0, "WARN: something odd\nWARN: something else\n",
                "Task finished with 2 warning(s)!\n");
    }

    @Test
    void templateAndDiskResizeExitZeroEvenWhenTheirTaskFails() {
        pve.addVm(100, Map.of());
        pve.nextExit = "template failed - VM is running";
        assertResult(run("qm template 100"), 0, "doing the work\n", "template failed - VM is running\n");
        pve.nextExit = "shrinking disks is not supported";
        assertResult(run("qm disk resize 100 scsi0 +2G"), 0, "doing the work\n", "shrinking disks is not supported\n");
        assertResult(run("qm resize 100 scsi0 1G"), 0, "doing the work\n", "shrinking disks is not supported\n");
        ApiRequest resize = pve.callsTo("PUT", "/resize").get(0);
        assertEquals(Map.of("disk", "scsi0", "size", "+2G"), resize.singleParams());
        assertEquals("/nodes/pve1/qemu/100/resize", resize.path());
    }

    @Test
    void errorBeforeTheTaskIsAPlainDie() {
        pve.addVm(100, Map.of());
        assertResult(run("qm create 100"), 255, "", "unable to create VM 100 - VM 100 already exists on node 'pve1'\n");
        assertResult(run("qm start 555"), 255, "", "Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist\n");
    }

    @Test
    void destroyMapsBooleansTheWayGetOptionsDoes() {
        pve.addVm(100, Map.of());
        assertResult(run("qm destroy 100 --purge --destroy-unreferenced-disks 1 --skiplock=yes"), 0, "doing the work\n", "");
        assertEquals(Map.of("purge", "1", "destroy-unreferenced-disks", "1", "skiplock", "1"),
                pve.callsTo("DELETE", "/qemu/100").get(0).singleParams());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "qm clone 100 123 --full --name web02 --storage local-lvm | POST | /nodes/pve1/qemu/100/clone | {full=1, name=web02, storage=local-lvm, newid=123}",
        "qm shutdown 100 --forceStop 1 --timeout 60 | POST | /nodes/pve1/qemu/100/status/shutdown | {forceStop=1, timeout=60}",
        "qm stop 100 --overrule-shutdown | POST | /nodes/pve1/qemu/100/status/stop | {overrule-shutdown=1}",
        "qm reboot 100 | POST | /nodes/pve1/qemu/100/status/reboot | {}",
        "qm snapshot 100 pre-upgrade --vmstate 0 --description 'before the upgrade' | POST | /nodes/pve1/qemu/100/snapshot | {vmstate=0, description=before the upgrade, snapname=pre-upgrade}",
        "qm rollback 100 pre-upgrade --start | POST | /nodes/pve1/qemu/100/snapshot/pre-upgrade/rollback | {start=1}",
        "qm delsnapshot 100 pre-upgrade --force 1 | DELETE | /nodes/pve1/qemu/100/snapshot/pre-upgrade | {force=1}",
        "qm destroy 100 | DELETE | /nodes/pve1/qemu/100 | {}",
    })
    void taskCommandsCallTheirApiHandler(String line, String method, String path, String params) {
        pve.addVm(100, Map.of());
        assertResult(run(line), 0, "doing the work\n", "");
        ApiRequest call = pve.calls.stream().filter(r -> r.method().equals(method)).findFirst().orElseThrow();
        assertEquals(path, call.path());
        assertEquals(params, call.singleParams().toString());
    }

    @Test
    void taskLogLinesAreStreamedWhileTheTaskRuns() throws Exception {
        pve.nextLog = List.of("first line", "last line");
        List<String> writes = new ArrayList<>();
        OutputStream recording = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                String task = pve.tasks.values().iterator().next().endsAt().isAfter(pve.clock.now()) ? "running" : "stopped";
                writes.add(task + ": " + new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        int exit = cli.run(ShellWords.parse("qm create 200"), new ByteArrayInputStream(new byte[0]), recording, OutputStream.nullOutputStream());
        assertEquals(0, exit);
        assertEquals(List.of("running: first line\n", "stopped: last line\n"), writes);
    }

    @Test
    void pendingAndCloudinitDumpUseTheirPrinters() {
        pve.addVm(100, Map.of());
        assertResult(run("qm pending 100"), 0,
                "cur cores: 2\nnew description: new%3A text\ncur memory: 2048\nnew memory: 4096\ndel onboot: 1\n", "");
        assertResult(run("qm cloudinit dump 100 user"), 0, "#cloud-config\nhostname: web01\ntype: user\n", "");
    }

    @Test
    void aTaskThatNeverEndsIsGivenUpAfterTheWaitLimit() {
        CliInterpreter impatient = CliInterpreter.builder(pve.router, "pve1").time(pve.clock)
                .pollInterval(Duration.ofSeconds(1)).taskWaitLimit(Duration.ofSeconds(2)).build();
        pve.addVm(100, Map.of());
        CliResult r = impatient.run("qm create 200 --start 0", new byte[0]);
        assertEquals(255, r.exitCode());
        assertEquals("doing the work\n", r.stdout());
        assertTrue(r.stderr().startsWith("simulator: task UPID:pve1:") && r.stderr().contains("did not finish within PT2S"), r.stderr());
    }

    @Test
    void configPassesCurrentAndSnapshot() {
        pve.addVm(100, Map.of("name", "web01"));
        assertResult(run("qm config 100 --current --snapshot pre"), 0, "name: web01\n", "");
        assertEquals(Map.of("current", "1", "snapshot", "pre"), pve.callsTo("GET", "/config").get(0).singleParams());
    }

    // ---- option parsing errors -----------------------------------------------------------------------

    @Test
    void unknownOptionIsAGetoptWarningThenA400WithUsage() {
        assertResult(run("qm start 100 --bogus 1"), 255, "",
                "Unknown option: bogus\n400 unable to parse option\nqm start <vmid> [OPTIONS]\n");
    }

    @Test
    void badBooleanAndMissingArgumentsAre400s() {
        assertResult(run("qm destroy 100 --purge maybe"), 255, "",
                "400 unable to parse boolean option\nqm destroy <vmid> [OPTIONS]\n");
        assertResult(run("qm clone 100"), 255, "", "400 not enough arguments\nqm clone <vmid> <newid> [OPTIONS]\n");
        assertResult(run("qm status 100 101"), 255, "", "400 too many arguments\nqm status <vmid> [OPTIONS]\n");
        assertResult(run("qm stop 100 --timeout"), 255, "",
                "Option timeout requires an argument\n400 unable to parse option\nqm stop <vmid> [OPTIONS]\n");
    }

    @Test
    void vmidIsCheckedAsThePveVmidOption() {
        assertResult(run("qm config abc"), 255, "",
                "400 Parameter verification failed.\nvmid: type check ('integer') failed - got 'abc'\nqm config <vmid> [OPTIONS]\n");
        assertResult(run("qm clone 100 42"), 255, "",
                "400 Parameter verification failed.\nnewid: value must have a minimum value of 100\n"
                        + "qm clone <vmid> <newid> [OPTIONS]\n");
    }

    @Test
    void nonBooleanOptionsTakeTheNextWordEvenIfItLooksLikeAnOption() {
        pve.addVm(100, Map.of());
        assertResult(run("qm set 100 --description -x --Cores 2"), 0, "", "");
        ApiRequest set = pve.callsTo("PUT", "/config").get(0);
        assertEquals("-x", set.param("description").orElseThrow());
        assertEquals("2", set.param("Cores").orElseThrow(), "undeclared options of qm set are passed through as written");
    }

    @Test
    void unknownSubcommandsAndGroupsAbortWithUsage() {
        assertResult(run("qm frobnicate 100"), 255, "", "ERROR: unknown command 'qm frobnicate'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n");
        assertResult(run("qm guest"), 255, "", "ERROR: incomplete command 'qm guest'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n");
        assertResult(run("qm"), 255, "", "ERROR: no command specified\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n");
    }

    // ---- config / status / snapshots -------------------------------------------------------------------

    @Test
    void qmConfigIsSortedWithoutDigestAndEncodesTheDescription() {
        pve.addVm(100, Map.of("name", "web01", "cores", "2", "memory", "2048",
                "description", "Line 1\nuses 50% of: ünïcode", "net0", "virtio=BC:24:11:2C:69:EC,bridge=vmbr0"));
        assertResult(run("qm config 100"), 0,
                "cores: 2\n"
              + "description: Line 1%0Auses 50%25 of%3A %C3%BCn%C3%AFcode\n"
              + "memory: 2048\n"
              + "name: web01\n"
              + "net0: virtio=BC:24:11:2C:69:EC,bridge=vmbr0\n", "");
    }

    @Test
    void qmStatusPrintsQmpStatusOrStatus() {
        pve.addVm(100, Map.of("_status", "running", "_qmp", "paused"));
        pve.addVm(101, Map.of());
        assertResult(run("qm status 100"), 0, "status: paused\n", "");
        assertResult(run("qm status 101"), 0, "status: stopped\n", "");
        assertResult(run("qm status 101 --verbose"), 0, "ha:\n\tmanaged: 0\nstatus: stopped\nvmid: 101\n", "");
    }

    @Test
    void listsnapshotPrintsTheTree() {
        pve.addVm(100, Map.of());
        assertResult(run("qm listsnapshot 100"), 0,
                "`-> before                      2023-11-14 22:13:20     clean install\n"
              + " `-> after                      2023-11-14 23:13:20     no-description\n"
              + "  `-> current                                           You are here!\n", "");
    }

    // ---- guest agent -------------------------------------------------------------------------------------

    @Test
    void guestCmdPrintsPrettySortedJsonAndPingNothing() {
        pve.addVm(100, Map.of("_status", "running"));
        assertResult(run("qm guest cmd 100 ping"), 0, "", "");
        assertResult(run("qm agent 100 get-host-name"), 0, "{\n   \"host-name\" : \"web01\"\n}\n", "");
        assertResult(run("qm guest cmd 100 network-get-interfaces"), 0,
                "[\n"
              + "   {\n"
              + "      \"hardware-address\" : \"00:00:00:00:00:00\",\n"
              + "      \"ip-addresses\" : [\n"
              + "         {\n"
              + "            \"ip-address\" : \"127.0.0.1\",\n"
              + "            \"ip-address-type\" : \"ipv4\",\n"
              + "            \"prefix\" : 8\n"
              + "         }\n"
              + "      ],\n"
              + "      \"name\" : \"lo\"\n"
              + "   }\n"
              + "]\n", "");
        assertResult(run("qm guest cmd 100 get-osinfo"), 255, "", "QEMU guest agent is not running\n");
    }

    @Test
    void guestExecWaitsForTheCommandAndPassesStdin() {
        pve.addVm(100, Map.of("_status", "running"));
        assertResult(run("qm guest exec 100 --pass-stdin 1 -- cat -n", "input"), 0,
                "{\n   \"exitcode\" : 0,\n   \"exited\" : 1,\n   \"out-data\" : \"hi\\n\"\n}\n", "");
        ApiRequest exec = pve.callsTo("POST", "/agent/exec").get(0);
        assertEquals(List.of("cat", "-n"), exec.params().get("command"));
        assertEquals("input", exec.param("input-data").orElseThrow());
    }

    @Test
    void guestExecAsynchronousReturnsThePidAndTimeoutNeedsSynchronous() {
        pve.addVm(100, Map.of("_status", "running"));
        assertResult(run("qm guest exec 100 --synchronous 0 -- true"), 0, "{\n   \"pid\" : 77\n}\n", "");
        assertResult(run("qm guest exec 100 --synchronous 0 --timeout 5 -- true"), 255, "",
                "400 Parameter verification failed.\nsynchronous: needs to be set for 'timeout'\n"
                        + "qm guest exec <vmid> [<extra-args>] [OPTIONS]\n");
        assertTrue(pve.callsTo("GET", "/agent/exec-status").isEmpty());
    }

    @Test
    void guestExecTimeoutWarnsAndReturnsThePid() {
        pve.addVm(100, Map.of("_status", "running", "_execNeverExits", 1));
        Instant before = pve.clock.now();
        assertResult(run("qm guest exec 100 --timeout 3 -- sleep 100"), 0, "{\n   \"pid\" : 77\n}\n",
                "timeout reached, returning pid\n");
        assertEquals(3, pve.callsTo("GET", "/agent/exec-status").size(), "polled once a second for 3 s");
        assertEquals(Duration.ofSeconds(3), Duration.between(before, pve.clock.now()));
    }

    @Test
    void qmWaitReturnsAtOnceForStoppedVmsAndTimesOutOtherwise() {
        pve.addVm(100, Map.of());
        assertResult(run("qm wait 100"), 0, "", "");
        pve.addVm(101, Map.of("_status", "running"));
        assertResult(run("qm wait 101 -timeout 2"), 255, "waiting until VM 101 stops (PID 4242)\n", "wait failed - got timeout\n");
        pve.vms.get(101).put("_stopAt", pve.clock.now().plusSeconds(2));
        assertResult(run("qm wait 101"), 0, "waiting until VM 101 stops (PID 4242)\n", "");
    }

    // ---- pvesh ---------------------------------------------------------------------------------------------

    @Test
    void pveshJsonPrintsTheBareDataValue() {
        assertResult(run("pvesh get /cluster/nextid --output-format json"), 0, "\"100\"\n", "");
        assertResult(run("pvesh get cluster/nextid"), 0, "100\n", "");
        pve.addVm(100, Map.of("name", "web01", "cores", "2"));
        assertResult(run("pvesh get /nodes/pve1/qemu/100/config --output-format json"), 0,
                "{\"cores\":2,\"digest\":\"0123456789abcdef0123456789abcdef01234567\",\"name\":\"web01\"}\n", "");
        assertResult(run("pvesh get /nodes/pve1/qemu/100/config --output-format json-pretty"), 0,
                "{\n   \"cores\" : 2,\n   \"digest\" : \"0123456789abcdef0123456789abcdef01234567\",\n   \"name\" : \"web01\"\n}\n", "");
    }

    @Test
    void pveshForwardsMethodsAndParameters() {
        pve.addVm(100, Map.of());
        assertResult(run("pvesh set /nodes/pve1/qemu/100/config --memory 4096 --output-format json"), 0, "", "");
        assertEquals("4096", pve.callsTo("PUT", "/nodes/pve1/qemu/100/config").get(0).param("memory").orElseThrow());
        assertEquals(0, pve.callsTo("PUT", "/config").get(0).params().keySet().stream()
                .filter(k -> k.equals("output-format")).count());
    }

    @Test
    void pveshRunsTasksInTheForegroundThenPrintsTheUpidAndExitsZeroEvenOnFailure() {
        pve.nextLog = List.of("creating");
        CliResult ok = run("pvesh create /nodes/pve1/qemu --vmid 300 --output-format json");
        String upid = pve.tasks.keySet().iterator().next();
        assertResult(ok, 0, "creating\n\"" + upid + "\"\n", "");
        pve.nextExit = "start failed: QEMU exited with code 1";
        CliResult failed = run("pvesh create /nodes/pve1/qemu/300/status/start");
        assertEquals(0, failed.exitCode());
        assertTrue(failed.stdout().startsWith("creating\nUPID:pve1:"), failed.stdout());
        assertEquals("start failed: QEMU exited with code 1\n", failed.stderr());
        assertResult(run("pvesh --nooutput create /nodes/pve1/qemu --vmid 301"), 0, "creating\n", "start failed: QEMU exited with code 1\n");
    }

    @Test
    void pveshErrorsCarryTheStatusAndParameterLines() {
        pve.addVm(100, Map.of());
        assertResult(run("pvesh get /cluster/nextid --vmid 100"), 255, "",
                "400 Parameter verification failed.\nvmid: VM 100 already exists\n"
                        + "pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n");
        assertResult(run("pvesh get /nope"), 255, "", "no 'get' handler for '/nope'\n");
        assertResult(run("pvesh get /nodes/pve1/qemu/555/config"), 255, "",
                "Configuration file 'nodes/pve1/qemu-server/555.conf' does not exist\n");
        assertResult(run("pvesh get /cluster/nextid --output-format xml"), 255, "",
                "400 Parameter verification failed.\n"
                        + "output-format: value 'xml' does not have a value in the enumeration 'text, json, json-pretty, yaml'\n"
                        + "pvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n");
    }

    @Test
    void pveshTextTablesAreRefusedRatherThanInvented() {
        pve.addVm(100, Map.of());
        CliResult r = run("pvesh get /nodes/pve1/qemu");
        assertEquals(255, r.exitCode());
        assertTrue(r.stderr().contains("--output-format json"), r.stderr());
    }

    // ---- shell, sudo, snippets, cost -----------------------------------------------------------------------

    @Test
    void sudoDashNIsAcceptedOtherSudoIsNot() {
        assertResult(run("sudo -n qm list"), 0, "", "");
        assertEquals(1, run("sudo qm list").exitCode());
    }

    @Test
    void unknownCommandsAre127AndRefusedLinesAre2() {
        assertResult(run("rm -rf /"), 127, "", "sh: 1: rm: not found\n");
        CliResult refused = run("qm list; reboot");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.stderr().startsWith("sh: refused by the PVE simulator: shell operator ';'"), refused.stderr());
        assertEquals(0, cli.invocations(), "nothing ran");
        assertEquals(2, run("qm list > /tmp/x").exitCode());
    }

    @Test
    void snippetsAreUploadedThroughCatRedirectionOrTee() {
        assertResult(run("cat > /var/lib/vz/snippets/user-100.yaml", "#cloud-config\nhostname: web01\n"), 0, "", "");
        assertArrayEquals("#cloud-config\nhostname: web01\n".getBytes(StandardCharsets.UTF_8), snippets.get("user-100.yaml"));
        assertResult(run("tee '/var/lib/vz/snippets/net.yaml'", "version: 2\n"), 0, "version: 2\n", "");
        assertEquals("version: 2\n", new String(snippets.get("net.yaml"), StandardCharsets.UTF_8));
        CliResult outside = run("cat > /etc/pve/qemu-server/100.conf", "x");
        assertEquals(2, outside.exitCode());
        assertTrue(outside.stderr().startsWith("sh: 1: cannot create /etc/pve/qemu-server/100.conf: Permission denied"));
        assertEquals(2, run("cat > /var/lib/vz/snippets/../x", "x").exitCode());
        assertEquals(1, run("cat /var/lib/vz/snippets/net.yaml").exitCode());
        assertEquals(2, snippets.size());
        CliInterpreter noStore = CliInterpreter.builder(pve.router, "pve1").time(pve.clock).build();
        assertEquals(2, noStore.run("cat > /var/lib/vz/snippets/a", "x".getBytes(StandardCharsets.UTF_8)).exitCode());
    }

    @Test
    void theQmBackendsAtomicUploadWritesOnlyWhenEveryByteArrived() {
        // sh -c <script> phoenix-upload <size> <temp> <path>, as the qm backend's SshCommandRunner sends it
        String script = "cat > \"$2\" && n=$(wc -c < \"$2\") && mv -f -- \"$2\" \"$3\" || { rm -f -- \"$2\"; exit 1; }";
        String line = "sh -c '" + script + "' phoenix-upload 6 /var/lib/vz/snippets/.u.yaml.phoenix-0a1b.part"
                + " /var/lib/vz/snippets/u.yaml";
        assertResult(run(line, "abcdef"), 0, "", "");
        assertEquals("abcdef", new String(snippets.get("u.yaml"), StandardCharsets.UTF_8));
        assertResult(run(line, "abc"), 1, "",
                "phoenix-upload: only 3 of 6 bytes arrived; /var/lib/vz/snippets/u.yaml is unchanged\n");
        assertEquals("abcdef", new String(snippets.get("u.yaml"), StandardCharsets.UTF_8), "the old file stays");
        assertEquals(1, run("sh -c 'x' phoenix-upload 1 /tmp/.a.part /var/lib/vz/snippets/a", "x").exitCode(),
                "the temporary file must be beside the target");
        assertEquals(2, run("sh -c 'rm -rf /'", "").exitCode(), "no other sh -c");
    }

    @Test
    void invocationsAreCountedAndCostTimeOnTheClock() {
        CliInterpreter costly = CliInterpreter.builder(pve.router, "pve1").time(pve.clock)
                .invocationCost(Duration.ofMillis(500)).build();
        Instant before = pve.clock.now();
        costly.run("qm list", new byte[0]);
        costly.run("pvesh get /cluster/nextid", new byte[0]);
        costly.run("qm nonsense", new byte[0]);
        costly.run("cat > /var/lib/vz/snippets/a", new byte[0]);
        assertEquals(3, costly.invocations());
        assertEquals(Duration.ofMillis(1500), Duration.between(before, pve.clock.now()));
    }
}
