// The dashboard pages. The server registers each at its path.
import type { Page } from '../page.ts';
import { casesPage } from './cases.ts';
import { clusterPage } from './cluster.ts';
import { consolePage } from './console.ts'; // SQL console (access area)
import { countyPage } from './county.ts';
import { dictionaryPage } from './dictionary.ts'; // data dictionary (console area)
import { indicatorsPage } from './indicators.ts';
import { officePage } from './office.ts';
import { overviewPage } from './overview.ts';
import { qualityPage } from './quality.ts';
import { trainingPage } from './training.ts';
import { validatePage } from './validate.ts'; // 预检 (clerk area)

export const PAGES: Page[] = [overviewPage, countyPage, clusterPage, officePage, trainingPage, casesPage, qualityPage, validatePage, indicatorsPage, consolePage, dictionaryPage];
