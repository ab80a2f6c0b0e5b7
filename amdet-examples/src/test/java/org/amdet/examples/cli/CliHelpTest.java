package org.amdet.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every error line ends "(see amdet X --help)", so {@code amdet X --help} must work, whatever options X requires. */
class CliHelpTest {
    private static final List<String> COMMANDS = List.of("scan", "demo", "evaluate", "encode", "compare", "bench",
            "pretrain", "inject", "finetune");

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AmdetCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void everyCommandPrintsItsUsageWithHelpEvenWithoutItsRequiredOptions() {
        for (String c : COMMANDS) {
            for (String flag : List.of("--help", "-h")) {
                String[] r = run(c, flag);
                assertEquals("0", r[0], c + " " + flag + ": " + r[2]);
                assertTrue(r[1].startsWith("Usage: amdet " + c), c + " " + flag + ": " + r[1]);
                assertTrue(r[2].isEmpty(), c + " " + flag + ": " + r[2]);
            }
        }
        assertTrue(run("scan", "--help")[1].contains("--model=<model>"));
    }

    @Test
    void helpCommandNamesTheCommandsAndShowsOne() {
        String[] all = run("help");
        assertEquals("0", all[0], all[2]);
        for (String c : COMMANDS) {
            assertTrue(all[1].contains(c), c + " missing from: " + all[1]);
        }
        String[] scan = run("help", "scan");
        assertEquals("0", scan[0], scan[2]);
        assertTrue(scan[1].startsWith("Usage: amdet scan") && scan[1].contains("--anchor=<anchor>"), scan[1]);
    }
}
