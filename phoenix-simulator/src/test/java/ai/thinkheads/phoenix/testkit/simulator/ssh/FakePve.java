package ai.thinkheads.phoenix.testkit.simulator.ssh;

import ai.thinkheads.phoenix.hypervisor.TimeSource;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.simulator.ApiException;
import ai.thinkheads.phoenix.testkit.simulator.ApiRequest;
import ai.thinkheads.phoenix.testkit.simulator.ApiRouter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hand-made router that answers a handful of calls the way PVE 8 does (shapes from the API
 * schema and task status/log endpoints), with tasks that run for a while of virtual time. Not the
 * simulator's cluster model: just enough to check the SSH face's rendering.
 */
final class FakePve {

    static final class Clock implements TimeSource {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public synchronized void sleep(Duration d) {
            now = now.plus(d);
        }
    }

    record Task(String upid, List<String> log, String exitStatus, Instant endsAt) {
    }

    final Clock clock = new Clock();
    final String node;
    final Map<Integer, Map<String, Object>> vms = new ConcurrentHashMap<>();
    final Map<String, Task> tasks = new ConcurrentHashMap<>();
    final List<ApiRequest> calls = new CopyOnWriteArrayList<>();
    final AtomicLong statusPolls = new AtomicLong();
    final ApiRouter router = new ApiRouter();
    private final AtomicLong pids = new AtomicLong(0x1000);
    /** What the next task started will log and end with; by default one line and OK. */
    volatile List<String> nextLog = List.of("doing the work");
    volatile String nextExit = "OK";

    FakePve(String node) {
        this.node = node;
        router
            .route("GET", "/cluster/nextid", c -> record(c, () -> {
                if (c.params().containsKey("vmid") && vms.containsKey(Integer.parseInt(c.params().get("vmid")))) {
                    throw new ApiException(Map.of("vmid", "VM " + c.params().get("vmid") + " already exists"));
                }
                int id = 100;
                while (vms.containsKey(id)) {
                    id++;
                }
                return Integer.toString(id); // PVE answers a string here
            }))
            .route("GET", "/nodes/{node}/qemu", c -> record(c, () -> {
                List<Map<String, Object>> list = new ArrayList<>();
                vms.forEach((id, conf) -> {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("vmid", id);
                    e.put("name", conf.get("name"));
                    boolean running = "running".equals(conf.get("_status"));
                    e.put("status", running ? "running" : "stopped");
                    e.put("maxmem", Long.parseLong(conf.getOrDefault("memory", "512").toString()) * 1024 * 1024);
                    e.put("maxdisk", conf.getOrDefault("_disk", 0L));
                    if (running) {
                        e.put("pid", 4242 + id);
                    }
                    list.add(e);
                });
                return list;
            }))
            .route("POST", "/nodes/{node}/qemu", c -> record(c, () -> {
                int vmid = Integer.parseInt(c.require("vmid"));
                if (vms.containsKey(vmid)) {
                    throw new ApiException(500, "unable to create VM " + vmid + " - VM " + vmid + " already exists on node '" + node + "'");
                }
                Map<String, Object> conf = new TreeMap<>();
                c.params().forEach((k, v) -> {
                    if (!k.equals("node") && !k.equals("vmid")) {
                        conf.put(k, v);
                    }
                });
                vms.put(vmid, conf);
                return startTask("qmcreate", Integer.toString(vmid), c.request().userId());
            }))
            .route("GET", "/nodes/{node}/qemu/{vmid}/config", c -> record(c, () -> {
                Map<String, Object> conf = vm(c);
                Map<String, Object> out = new TreeMap<>();
                conf.forEach((k, v) -> {
                    if (!k.startsWith("_")) {
                        out.put(k, k.equals("cores") ? Integer.parseInt(v.toString()) : v);
                    }
                });
                out.put("digest", "0123456789abcdef0123456789abcdef01234567");
                return out;
            }))
            .route("PUT", "/nodes/{node}/qemu/{vmid}/config", c -> record(c, () -> {
                Map<String, Object> conf = vm(c);
                c.params().forEach((k, v) -> {
                    if (!k.equals("node") && !k.equals("vmid") && !k.equals("delete")) {
                        conf.put(k, v);
                    }
                });
                return null;
            }))
            .route("GET", "/nodes/{node}/qemu/{vmid}/status/current", c -> record(c, () -> {
                Map<String, Object> conf = vm(c);
                if (conf.containsKey("_stopAt") && !clock.now().isBefore((Instant) conf.get("_stopAt"))) {
                    conf.put("_status", "stopped");
                }
                boolean running = "running".equals(conf.get("_status"));
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("vmid", Integer.parseInt(c.require("vmid")));
                st.put("status", running ? "running" : "stopped");
                if (running) {
                    st.put("qmpstatus", conf.getOrDefault("_qmp", "running"));
                    st.put("pid", 4242);
                }
                st.put("ha", Map.of("managed", 0));
                st.put("cpu", 0.25);
                return st;
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/status/start", c -> record(c, () -> {
                vm(c).put("_status", "running");
                return startTask("qmstart", c.require("vmid"), c.request().userId());
            }))
            .route("DELETE", "/nodes/{node}/qemu/{vmid}", c -> record(c, () -> {
                vm(c);
                vms.remove(Integer.parseInt(c.require("vmid")));
                return startTask("qmdestroy", c.require("vmid"), c.request().userId());
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/template", c -> record(c, () -> {
                vm(c);
                return startTask("qmtemplate", c.require("vmid"), c.request().userId());
            }))
            .route("PUT", "/nodes/{node}/qemu/{vmid}/resize", c -> record(c, () -> {
                vm(c);
                return startTask("resize", c.require("vmid"), c.request().userId());
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/status/{action}", c -> record(c, () -> {
                vm(c);
                return startTask("qm" + c.require("action"), c.require("vmid"), c.request().userId());
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/clone", c -> record(c, () -> {
                vm(c);
                return startTask("qmclone", c.require("vmid"), c.request().userId());
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/snapshot", c -> record(c, () -> {
                vm(c);
                return startTask("qmsnapshot", c.require("vmid"), c.request().userId());
            }))
            .route("DELETE", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}", c -> record(c, () -> {
                vm(c);
                return startTask("qmdelsnapshot", c.require("vmid"), c.request().userId());
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback", c -> record(c, () -> {
                vm(c);
                return startTask("qmrollback", c.require("vmid"), c.request().userId());
            }))
            .route("GET", "/nodes/{node}/qemu/{vmid}/pending", c -> record(c, () -> List.of(
                    Map.of("key", "memory", "value", "2048", "pending", "4096"),
                    Map.of("key", "cores", "value", 2),
                    Map.of("key", "digest", "value", "abc"),
                    Map.of("key", "description", "pending", "new: text"),
                    Map.of("key", "onboot", "value", 1, "delete", 1))))
            .route("GET", "/nodes/{node}/qemu/{vmid}/cloudinit/dump", c -> record(c, () ->
                    "#cloud-config\nhostname: web01\n" + "type: " + c.require("type")))
            .route("GET", "/nodes/{node}/qemu/{vmid}/snapshot", c -> record(c, () -> List.of(
                    Map.of("name", "current", "parent", "after", "description", "You are here!", "running", 0),
                    Map.of("name", "before", "snaptime", 1_700_000_000L, "description", "first\nclean install", "vmstate", 0),
                    Map.of("name", "after", "parent", "before", "snaptime", 1_700_003_600L, "description", "", "vmstate", 0))))
            .route("POST", "/nodes/{node}/qemu/{vmid}/agent", c -> record(c, () -> switch (c.require("command")) {
                case "ping" -> Map.of("result", Map.of());
                case "get-host-name" -> Map.of("result", Map.of("host-name", "web01"));
                case "network-get-interfaces" -> Map.of("result", List.of(Map.of("name", "lo",
                        "hardware-address", "00:00:00:00:00:00",
                        "ip-addresses", List.of(Map.of("ip-address", "127.0.0.1", "ip-address-type", "ipv4", "prefix", 8)))));
                default -> throw new ApiException(500, "QEMU guest agent is not running");
            }))
            .route("POST", "/nodes/{node}/qemu/{vmid}/agent/exec", c -> record(c, () -> Map.of("pid", 77)))
            .route("GET", "/nodes/{node}/qemu/{vmid}/agent/exec-status", c -> record(c, () -> {
                long polls = calls.stream().filter(r -> r.path().endsWith("/agent/exec-status")).count();
                if (polls < 3 && !vm(c).containsKey("_execNeverExits")) {
                    return Map.of("exited", 0);
                }
                if (vm(c).containsKey("_execNeverExits")) {
                    return Map.of("exited", 0);
                }
                return Map.of("exited", 1, "exitcode", 0, "out-data", "hi\n");
            }))
            .route("GET", "/nodes/{node}/tasks/{upid}/status", c -> record(c, () -> {
                statusPolls.incrementAndGet();
                Task t = task(c.require("upid"));
                Upid u = Upid.parse(t.upid);
                Map<String, Object> st = new LinkedHashMap<>();
                st.put("upid", t.upid);
                st.put("node", u.node());
                st.put("pid", u.pid());
                st.put("pstart", u.pstart());
                st.put("starttime", u.startTime());
                st.put("type", u.type());
                st.put("id", u.id());
                st.put("user", u.user());
                boolean done = !clock.now().isBefore(t.endsAt);
                st.put("status", done ? "stopped" : "running");
                if (done) {
                    st.put("exitstatus", t.exitStatus);
                }
                return st;
            }))
            .route("GET", "/nodes/{node}/tasks/{upid}/log", c -> record(c, () -> {
                Task t = task(c.require("upid"));
                boolean done = !clock.now().isBefore(t.endsAt);
                List<String> lines = new ArrayList<>();
                // the first line is there at once, the rest when the task is over
                lines.add(t.log.get(0));
                if (done) {
                    lines.addAll(t.log.subList(1, t.log.size()));
                }
                int start = Integer.parseInt(c.get("start", "0"));
                int limit = Integer.parseInt(c.get("limit", "50"));
                List<Map<String, Object>> out = new ArrayList<>();
                for (int i = start; i < lines.size() && out.size() < limit; i++) {
                    out.add(Map.of("n", i + 1, "t", lines.get(i)));
                }
                return out;
            }));
    }

    private interface Body {
        Object get();
    }

    private Object record(ApiRouter.ApiCall c, Body body) {
        calls.add(c.request());
        return body.get();
    }

    private Map<String, Object> vm(ApiRouter.ApiCall c) {
        Map<String, Object> conf = vms.get(Integer.parseInt(c.require("vmid")));
        if (conf == null) {
            throw new IllegalStateException("Configuration file 'nodes/" + node + "/qemu-server/" + c.require("vmid") + ".conf' does not exist");
        }
        return conf;
    }

    private Task task(String upid) {
        Task t = tasks.get(upid);
        if (t == null) {
            throw new ApiException(500, "no such task");
        }
        return t;
    }

    /** A task lasting 3 s of virtual time whose log is {@code nextLog} and whose end is {@code nextExit}. */
    String startTask(String type, String id, String user) {
        long start = clock.now().getEpochSecond();
        String upid = new Upid(node, pids.incrementAndGet(), 0x2000, start, type, id, user).toString();
        List<String> log = new ArrayList<>(nextLog);
        String exit = nextExit;
        if (exit.equals("OK")) {
            log.add("TASK OK");
        } else if (exit.startsWith("WARNINGS: ")) {
            log.add("");
            log.add("TASK " + exit);
        } else {
            log.add("");
            log.add("TASK ERROR: " + exit);
        }
        tasks.put(upid, new Task(upid, log, exit, clock.now().plusSeconds(3)));
        return upid;
    }

    void addVm(int vmid, Map<String, Object> conf) {
        vms.put(vmid, new TreeMap<>(conf));
    }

    List<ApiRequest> callsTo(String method, String pathSuffix) {
        return calls.stream().filter(r -> r.method().equals(method) && r.path().endsWith(pathSuffix)).toList();
    }
}
