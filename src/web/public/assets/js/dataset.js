import { startPage } from './ui.js';

startPage();
