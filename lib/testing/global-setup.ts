// Placeholder: replaced by the database set-up for integration tests.
export default async function setup() {}
