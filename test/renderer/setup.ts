import { configure } from '@testing-library/react';

// findBy* and waitFor wait 1 s by default; a lazily loaded pane or chunk can take longer on a busy
// machine (CI runs every project at once on two cores). Tests that need longer still say so.
configure({ asyncUtilTimeout: 5_000 });
