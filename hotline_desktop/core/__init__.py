"""Qt-free core of hotline_desktop: domain model, scoring engine, calendar, import/export."""
