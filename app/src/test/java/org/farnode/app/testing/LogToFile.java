package org.farnode.app.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * While open, writes everything our code and Netty log, at every level down to TRACE, with stack
 * traces, to a file (and not to the console), as a node operator's log file would hold it; closing
 * restores the loggers as they were.
 */
public final class LogToFile implements AutoCloseable {
    private final FileAppender<ILoggingEvent> appender;
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final List<Boolean> additive = new ArrayList<>();

    private LogToFile(FileAppender<ILoggingEvent> appender) {
        this.appender = appender;
    }

    /** Starts logging the {@code org.farnode} and {@code io.netty} loggers to {@code file}. */
    public static LogToFile start(Path file) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} [%thread] %level %logger: %msg%n%ex");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.start();
        LogToFile log = new LogToFile(appender);
        for (String name : List.of("org.farnode", "io.netty")) {
            Logger logger = context.getLogger(name);
            log.loggers.add(logger);
            log.levels.add(logger.getLevel());
            log.additive.add(logger.isAdditive());
            logger.setLevel(Level.ALL);
            logger.setAdditive(false);
            logger.addAppender(appender);
        }
        return log;
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            Logger logger = loggers.get(i);
            logger.detachAppender(appender);
            logger.setLevel(levels.get(i));
            logger.setAdditive(additive.get(i));
        }
        appender.stop();
    }
}
