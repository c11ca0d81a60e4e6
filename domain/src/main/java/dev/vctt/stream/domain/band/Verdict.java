package dev.vctt.stream.domain.band;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the verifier concluded: a score from 0 to 1 (a decimal, kept exact) and flags. The verifier
 * is asked to end with {@code SCORE: <0..1>} and {@code FLAGS: <a, b | none>} lines; {@link #read}
 * takes the last of each wherever they stand, in any case, with {@code :} or {@code =}, a percent or
 * markdown around them, and turns anything else into {@link Reading.Unreadable}.
 */
public record Verdict(BigDecimal score, List<String> flags) {

    private static final Pattern SCORE = Pattern.compile(
            "(?im)^[\\s*_#>`-]*score[\\s*_`]*[:=][\\s*_`]*(\\d{1,3}(?:\\.\\d+)?)\\s*(%|/\\s*1(?:\\.0+)?\\b|/\\s*100\\b)?");
    private static final Pattern FLAGS = Pattern.compile("(?im)^[\\s*_#>`-]*flags[\\s*_`]*[:=][\\s*_`]*(.*)$");
    private static final int MAX_FLAGS = 10;
    private static final int MAX_FLAG_CHARS = 40;

    /** What reading a verdict's text gave. */
    public sealed interface Reading {
        record Scored(Verdict verdict) implements Reading {
            public Scored {
                Objects.requireNonNull(verdict, "verdict");
            }
        }

        /** The text carries no score from 0 to 1: the verdict is kept as text only. */
        record Unreadable(String reason) implements Reading {
            public Unreadable {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    public Verdict {
        Objects.requireNonNull(score, "score");
        flags = List.copyOf(flags);
        if (score.signum() < 0 || score.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("a score is between 0 and 1: " + score);
        }
    }

    public static Reading read(String text) {
        Matcher score = SCORE.matcher(text);
        String value = null;
        String unit = null;
        while (score.find()) {
            value = score.group(1);
            unit = score.group(2);
        }
        if (value == null) {
            return new Reading.Unreadable("the verdict has no SCORE line");
        }
        BigDecimal number = new BigDecimal(value);
        if (unit != null && (unit.startsWith("%") || unit.replace(" ", "").startsWith("/100"))) {
            number = number.movePointLeft(2);
        }
        if (number.compareTo(BigDecimal.ONE) > 0) {
            return new Reading.Unreadable("the verdict's score " + value + " is not between 0 and 1");
        }
        return new Reading.Scored(new Verdict(number.stripTrailingZeros(), flags(text)));
    }

    private static List<String> flags(String text) {
        Matcher line = FLAGS.matcher(text);
        String last = null;
        while (line.find()) {
            last = line.group(1);
        }
        var flags = new ArrayList<String>();
        if (last == null) {
            return flags;
        }
        for (String part : last.split("[,;]")) {
            String flag = part.replaceAll("[*_`.\\[\\]]", " ").trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", "_");
            if (!flag.isEmpty() && !flag.equals("none") && !flag.equals("n/a") && flags.size() < MAX_FLAGS) {
                flags.add(flag.length() > MAX_FLAG_CHARS ? flag.substring(0, MAX_FLAG_CHARS) : flag);
            }
        }
        return flags;
    }
}
