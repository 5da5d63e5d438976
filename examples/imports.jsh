// Phoenix's packages, imported for every JShell session opened with bin/phoenix-shell.
import ai.thinkheads.phoenix.cloudinit.*;
import ai.thinkheads.phoenix.config.*;
import ai.thinkheads.phoenix.definition.*;
import ai.thinkheads.phoenix.feature.*;
import ai.thinkheads.phoenix.hypervisor.*;
import ai.thinkheads.phoenix.plan.*;
import ai.thinkheads.phoenix.spec.*;
import ai.thinkheads.phoenix.testkit.FakeHypervisor;
import ai.thinkheads.phoenix.testkit.model.GuestState;
import ai.thinkheads.phoenix.testkit.simulator.PveSimulator;
import ai.thinkheads.phoenix.backend.api.*;
import ai.thinkheads.phoenix.backend.qm.QmHypervisor;
import ai.thinkheads.phoenix.backend.qm.SshSettings;
import java.nio.file.Path;
import java.time.Duration;
