import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy… and waitFor give up after this long. The default second is short for a busy two-core machine, where a
// render that takes milliseconds alone can take seconds; a test that waits for something that never comes still fails.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => cleanup());
