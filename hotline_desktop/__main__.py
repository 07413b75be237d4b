from hotline_desktop.cli import main

raise SystemExit(main())
