// The browser entry of the SDK test page: exposes the public SDK on window
// so the test can drive it, exactly as an app bundle would import it.
import * as sdk from '@plansync/client-sdk'

Object.assign(globalThis, { plansync: sdk })
