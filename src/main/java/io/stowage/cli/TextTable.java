package io.stowage.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A table printed with columns padded to their widest cell, two spaces apart; the last column is not padded. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    List<String> lines() {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                b.append(r[i]);
                if (i < cols - 1) {
                    b.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.add(b.toString().stripTrailing());
        }
        return out;
    }

    void print(PrintStream out) {
        lines().forEach(out::println);
        out.flush();
    }
}
