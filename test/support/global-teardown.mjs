import { dropTemplate } from './global-setup.mjs';

export default dropTemplate;
